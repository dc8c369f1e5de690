"""OB 0.5 / 1.0 / 1.1 / 2.0: the stages, one module each, named after the stage (upgrade, resolve, validate,
hosted, signed, status, recipient, validity, endorse, extensions; common = shared helpers), and `verify`,
the driver that runs them in order (`verify_ob2`). Imports only `obverify._engines` and `obverify._core`."""
