"""The staff API's part of `/openapi.json` (docs/staff.md): its paths and schemas, merged into
`endpoint.api.openapi.SPEC`. Describes routes served by `endpoint.staff.api`."""

from __future__ import annotations

from endpoint.api.frozen import frozen

SLUG = frozen({"name": "slug", "in": "path", "required": True,
               "schema": {"type": "string", "pattern": "^[a-z0-9-]+$", "maxLength": 100}})
BOOKING_ID = frozen({"name": "booking_id", "in": "path", "required": True,
                     "schema": {"type": "string", "maxLength": 64}})
BLOCK_ID = frozen({"name": "block_id", "in": "path", "required": True,
                   "schema": {"type": "string", "maxLength": 64}})
PATIENT_KEY = frozen({"name": "key", "in": "path", "required": True,
                      "schema": {"type": "string", "maxLength": 64},
                      "description": "the patient's `key` from the patient search"})
STAFF_AUTH = frozen({"name": "Authorization", "in": "header", "required": False,
                     "schema": {"type": "string"},
                     "description": "A staff user's API token of this clinic: Bearer <token> "
                                    "(endpoint staff-user api-token), or the page session with "
                                    "its X-CSRF-Token"})
DATETIME = frozen({"type": "string", "format": "date-time"})
NOTIFY = frozen({
    "description": "Whether and where the patient is told: true or absent for the type's "
                   "notify channels, false for none, or a list of channels",
    "oneOf": [{"type": "boolean"}, {"type": "null"},
              {"type": "array", "items": {"type": "string", "enum": ["email", "sms"]}}]})


def _problem(description: str) -> dict:
    return {"description": description,
            "content": {"application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"}}}}


def _json(description: str, ref: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


RETRY = frozen({"Retry-After": {"description": "Seconds to wait before trying again",
                                "schema": {"type": "string", "pattern": "^[0-9]+$"}}})
COMMON = frozen({
    "401": _problem("No valid credentials of a staff user (`unauthorized`)"),
    "403": _problem("Sent from another site's page (`forbidden`)"),
    "404": _problem("Unknown clinic, another clinic's credentials, or an unknown id"),
    "429": {**_problem("Too many failed logins from this address (`rate_limited`)"),
            "headers": RETRY},
    "503": {**_problem("The database is unreachable; try again after Retry-After"),
            "headers": RETRY},
})
WITH_BODY = frozen({**COMMON, "413": _problem("Body too large"), "415": _problem("Not JSON"),
                    "422": _problem("Invalid fields (all listed in errors)")})


def _op(operation_id: str, summary: str, parameters: list, responses: dict,
        body: str | None = None) -> dict:
    op = {"operationId": operation_id, "summary": summary,
          "parameters": [SLUG, *parameters, STAFF_AUTH], "responses": responses}
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{body}"}}}}
    return op


STAFF = "/api/v1/staff/{slug}"
PATHS = frozen({
    f"{STAFF}/day": {"get": _op(
        "staffDay", "The day per calendar: blocks, bookings, staff blocks, busy time",
        [{"name": "date", "in": "query", "required": False,
          "schema": {"type": "string", "format": "date"}}],
        {"200": _json("The day", "StaffDay"), **COMMON,
         "422": _problem("Not a date (YYYY-MM-DD)")})},
    f"{STAFF}/bookings": {"post": _op(
        "staffCreateBooking", "Book for a patient, outside the online rules", [],
        {"201": _json("Booked", "StaffBookingEnvelope"), **WITH_BODY,
         "409": _problem("`slot_unavailable` (a booking or staff block is in the way) or "
                         "`outside_schedule`")}, "StaffBookingRequest")},
    f"{STAFF}/bookings/{{booking_id}}": {"patch": _op(
        "staffChangeBooking", "Move, retype, annotate or record attendance", [BOOKING_ID],
        {"200": _json("Changed", "StaffBookingEnvelope"), **WITH_BODY,
         "409": _problem("`slot_unavailable`, `outside_schedule`, `booking_cancelled` or "
                         "`attendance_too_early` (arrived or no-show before its time, with "
                         "`from`)")},
        "BookingChange")},
    f"{STAFF}/bookings/{{booking_id}}/cancel": {"post": _op(
        "staffCancelBooking", "Cancel for the clinic or on the patient's word", [BOOKING_ID],
        {"200": _json("Cancelled (or already cancelled)", "StaffBookingEnvelope"),
         **WITH_BODY, "409": _problem("`booking_ended`: the appointment is over")},
        "StaffCancel")},
    f"{STAFF}/bookings/{{booking_id}}/log": {"get": _op(
        "staffBookingLog", "The booking's audit log", [BOOKING_ID],
        {"200": _json("Oldest first", "BookingLog"), **COMMON})},
    f"{STAFF}/blocks": {"post": _op(
        "staffCreateBlock", "Block time in a calendar", [],
        {"201": _json("Blocked", "StaffBlockEnvelope"), **WITH_BODY,
         "409": _problem("`conflicts` (with `bookings`) or `block_overlap` (with `blocks`)")},
        "StaffBlockRequest")},
    f"{STAFF}/blocks/{{block_id}}": {"delete": _op(
        "staffDeleteBlock", "Remove a staff block", [BLOCK_ID],
        {"200": _json("Removed", "StaffBlockDeleted"), **COMMON})},
    f"{STAFF}/patients": {"get": _op(
        "staffSearchPatients", "Returning patients by national id, name or phone",
        [{"name": "q", "in": "query", "required": True,
          "schema": {"type": "string", "maxLength": 100}}],
        {"200": _json("Patients, newest first", "Patients"), **COMMON,
         "422": _problem("Missing, too short or too long query")})},
    f"{STAFF}/patients/{{key}}/access": {"get": _op(
        "staffPatientAccess", "Who read the patient's details (admin role)", [PATIENT_KEY],
        {"200": _json("Oldest first", "AccessLog"), **COMMON,
         "403": _problem("`forbidden`: the caller is not an admin")})},
    f"{STAFF}/patients/{{key}}/export": {"get": _op(
        "staffPatientExport", "Everything stored about the patient (admin role)",
        [PATIENT_KEY], {"200": _json("The patient's data", "PatientExport"), **COMMON,
                        "403": _problem("`forbidden`: the caller is not an admin")})},
    f"{STAFF}/patients/{{key}}/erase": {"post": _op(
        "staffPatientErase", "Erase the patient's personal data (admin role)", [PATIENT_KEY],
        {"200": _json("Erased", "PatientErased"), **WITH_BODY,
         "403": _problem("`forbidden`: the caller is not an admin"),
         "409": _problem("`future_appointments` (with `bookings`) unless `force`")},
        "PatientErase")},
    f"{STAFF}/conflicts": {"get": _op(
        "staffConflicts", "Active future bookings that no longer fit the schedule", [],
        {"200": _json("Soonest first", "Conflicts"), **COMMON})},
    f"{STAFF}/waitlist": {"get": _op(
        "staffWaitlist", "The clinic's waiting patients (docs/patients.md), never a national id",
        [], {"200": _json("In sign-up order", "Waitlist"), **COMMON})},
})

_NULLABLE_TEXT = frozen({"type": ["string", "null"]})
STAFF_BOOKING = frozen({
    "type": "object",
    "required": ["id", "calendar", "type", "start", "end", "status", "self_booked",
                 "attendance", "patient"],
    "properties": {
        "id": {"type": "string"}, "calendar": {"type": "string"}, "type": {"type": "string"},
        "start": DATETIME, "end": DATETIME,
        "status": {"type": "string", "enum": ["active", "cancelled"]},
        "self_booked": {"type": "boolean"},
        "attendance": {"type": ["string", "null"], "enum": ["arrived", "no_show", None]},
        "outside_schedule": {"type": "boolean"}, "note": {"type": "string"},
        "booked_by": _NULLABLE_TEXT,
        "conflict": _NULLABLE_TEXT,
        "patient": {"type": "object", "required": ["first_name", "last_name", "phone"],
                    "properties": {k: {"type": "string"} for k in (
                        "first_name", "last_name", "phone", "email", "masked_id")}},
    },
})
BLOCK = frozen({"type": "object", "required": ["id", "calendar", "start", "end", "reason"],
                "properties": {"id": {"type": "string"}, "calendar": {"type": "string"},
                               "start": DATETIME, "end": DATETIME, "reason": {"type": "string"},
                               "created_by": _NULLABLE_TEXT}})
PATIENT_INPUT = frozen({
    "type": "object",
    "required": ["id_type", "national_id", "first_name", "last_name", "phone"],
    "properties": {
        "id_type": {"type": "string", "enum": ["fnr", "dnr"]},
        "national_id": {"type": "string"},
        "first_name": {"type": "string", "maxLength": 100},
        "last_name": {"type": "string", "maxLength": 100},
        "phone": {"type": "string", "maxLength": 32},
        "email": {"type": "string", "maxLength": 254},
    },
})
SCHEMAS = frozen({
    "StaffBooking": STAFF_BOOKING,
    "StaffBookingEnvelope": {"type": "object", "required": ["booking"], "properties": {
        "booking": {"$ref": "#/components/schemas/StaffBooking"}}},
    "StaffBookingRequest": {
        "type": "object", "additionalProperties": False,
        "required": ["calendar", "type", "start", "patient"],
        "properties": {"calendar": {"type": "string"}, "type": {"type": "string"},
                       "start": DATETIME, "patient": PATIENT_INPUT,
                       "note": {"type": "string", "maxLength": 1000}, "notify": NOTIFY,
                       "outside_schedule": {"type": "boolean"}}},
    "BookingChange": {
        "type": "object", "additionalProperties": False, "minProperties": 1,
        "properties": {"start": DATETIME, "calendar": {"type": "string"},
                       "type": {"type": "string"},
                       "note": {"type": ["string", "null"], "maxLength": 1000},
                       "attendance": {"type": ["string", "null"],
                                      "enum": ["arrived", "no_show", None]},
                       "notify": NOTIFY, "outside_schedule": {"type": "boolean"}}},
    "StaffCancel": {
        "type": "object", "additionalProperties": False, "required": ["initiated_by"],
        "properties": {"reason": {"type": "string", "maxLength": 500},
                       "initiated_by": {"type": "string", "enum": ["patient", "clinic"]},
                       "notify": NOTIFY}},
    "StaffBlock": BLOCK,
    "StaffBlockEnvelope": {"type": "object", "required": ["block"], "properties": {
        "block": {"$ref": "#/components/schemas/StaffBlock"}}},
    "StaffBlockDeleted": {"type": "object", "required": ["block", "deleted"], "properties": {
        "block": {"$ref": "#/components/schemas/StaffBlock"}, "deleted": {"const": True}}},
    "StaffBlockRequest": {
        "type": "object", "additionalProperties": False,
        "required": ["calendar", "start", "end", "reason"],
        "properties": {"calendar": {"type": "string"}, "start": DATETIME, "end": DATETIME,
                       "reason": {"type": "string", "maxLength": 500},
                       "allow_conflicts": {"type": "boolean"}}},
    "StaffDay": {
        "type": "object", "required": ["date", "calendars"],
        "properties": {
            "clinic": {"type": "string"}, "date": {"type": "string", "format": "date"},
            "timezone": {"type": "string"},
            "calendars": {"type": "array", "items": {
                "type": "object",
                "required": ["id", "name", "blocks", "bookings", "staff_blocks", "busy"],
                "properties": {
                    "id": {"type": "string"}, "name": {"type": "string"},
                    "online": {"type": "boolean"}, "closed": _NULLABLE_TEXT,
                    "blocks": {"type": "array", "items": {
                        "type": "object", "required": ["start", "end", "online", "smart",
                                                       "types"],
                        "properties": {"start": DATETIME, "end": DATETIME,
                                       "online": {"type": "boolean"},
                                       "smart": {"type": "boolean"},
                                       "types": {"type": "array",
                                                 "items": {"type": "string"}}}}},
                    "bookings": {"type": "array",
                                 "items": {"$ref": "#/components/schemas/StaffBooking"}},
                    "staff_blocks": {"type": "array",
                                     "items": {"$ref": "#/components/schemas/StaffBlock"}},
                    "busy": {"type": "array", "items": {
                        "type": "object", "required": ["start", "end", "source"],
                        "properties": {"start": DATETIME, "end": DATETIME,
                                       "source": {"type": "string", "description":
                                                  "booking, staff_block, hold (a time a "
                                                  "patient holds, docs/patients.md), or the name "
                                                  "of "
                                                  "the calendar-sync source of an imported "
                                                  "busy time (docs/sync.md)"},
                                       "until": {**DATETIME, "description":
                                                 "a hold's end (only with source hold)"}}}},
                }}},
        }},
    "BookingLog": {"type": "object", "required": ["entries"], "properties": {
        "entries": {"type": "array", "items": {
            "type": "object", "required": ["at", "actor", "action", "details"],
            "properties": {"at": DATETIME, "actor": {"type": "string"},
                           "action": {"type": "string", "enum": [
                               "created", "moved", "type_changed", "attendance", "note",
                               "cancelled", "national_id_revealed", "blocked"]},
                           "details": {"type": "object"}}}}}},
    "Patients": {"type": "object", "required": ["patients"], "properties": {
        "patients": {"type": "array", "items": {
            "type": "object",
            "required": ["key", "first_name", "last_name", "phone", "email", "masked_id",
                         "bookings", "no_shows"],
            "properties": {"key": {"type": "string"}, "first_name": {"type": "string"},
                           "last_name": {"type": "string"}, "phone": {"type": "string"},
                           "email": {"type": "string"}, "masked_id": {"type": "string"},
                           "bookings": {"type": "integer"},
                           "no_shows": {"type": "integer"}}}}}},
    "Conflicts": {"type": "object", "required": ["conflicts"], "properties": {
        "conflicts": {"type": "array", "items": {
            "type": "object", "required": ["booking", "reason"],
            "properties": {"booking": {"$ref": "#/components/schemas/StaffBooking"},
                           "reason": {"type": "string", "enum": [
                               "calendar_removed", "type_removed", "day_closed", "block_gone",
                               "type_not_offered", "staff_block", "busy_time",
                               "calendar_offline", "type_offline"]},
                           "message": {"type": "string"}}}}}},
    "Waitlist": {"type": "object", "required": ["entries"], "properties": {
        "entries": {"type": "array", "items": {
            "type": "object",
            "required": ["id", "type", "calendar", "from", "to", "created_at", "first_name",
                         "last_name", "phone", "masked_id", "offers"],
            "properties": {
                "id": {"type": "string"}, "type": {"type": "string"},
                "calendar": {"type": ["string", "null"]},
                "from": {"type": "string", "format": "date"},
                "to": {"type": "string", "format": "date"}, "created_at": DATETIME,
                "first_name": {"type": "string"}, "last_name": {"type": "string"},
                "phone": {"type": "string"}, "masked_id": {"type": "string"},
                "offers": {"type": "integer", "description": "times offered so far"}}}}}},
    "AccessLog": {"type": "object", "required": ["entries"], "properties": {
        "entries": {"type": "array", "items": {
            "type": "object", "required": ["at", "actor", "action", "booking"],
            "properties": {"at": DATETIME, "actor": {"type": "string"},
                           "action": {"type": "string", "enum": [
                               "booking_viewed", "national_id_revealed", "found_in_search",
                               "exported", "erased"]},
                           "booking": {"type": ["string", "null"]}}}}}},
    "PatientExport": {"type": "object",
                      "required": ["clinic", "exported_at", "patient_key", "bookings",
                                   "access_log"],
                      "properties": {"clinic": {"type": "string"}, "exported_at": DATETIME,
                                     "patient_key": {"type": "string"},
                                     "bookings": {"type": "array", "items": {"type": "object"}},
                                     "access_log": {"type": "array",
                                                    "items": {"type": "object"}}}},
    "PatientErase": {"type": "object", "additionalProperties": False,
                     "properties": {"force": {"type": "boolean"}}},
    "PatientErased": {"type": "object", "required": ["erased"], "properties": {
        "erased": {"type": "object",
                   "required": ["bookings", "messages", "cancelled", "waitlist"],
                   "properties": {k: {"type": "integer"}
                                  for k in ("bookings", "messages", "cancelled", "waitlist")}}}},
})

#: the codes the staff API adds to the Problem schema's enum
CODES = frozen(["outside_schedule", "conflicts", "block_overlap", "booking_cancelled",
                "booking_ended", "attendance_too_early", "future_appointments"])
