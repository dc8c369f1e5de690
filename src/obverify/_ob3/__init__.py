"""OB 3.0: the stages, one module each (model, contexts_check, validate, jwt, status, validity, recipient,
endorse, meaning; proofs/ = the Data Integrity suites), and `verify`, the driver that runs them in order
(`verify_ob3`, `verify_credential`). Imports only `obverify._engines` and `obverify._core`, never `obverify._ob2`."""
