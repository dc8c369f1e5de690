"""Orchestration: the entry calls (verify, unbake, bake, import_badge, audit) and the human view. They run the
per-version stages (`obverify._ob2`, `obverify._ob3`) over the engines and the core."""
