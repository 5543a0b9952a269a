"""Logged-in patients (docs/patient-login.md): the OpenID Connect relying party (`oidc`) and the
browser's way through it, `GET /patient/<slug>/login` and `/callback` (`routes`). The
sessions themselves are a use case (`services.patient_sessions`); what a session may do
in the API is `patient.me`."""
