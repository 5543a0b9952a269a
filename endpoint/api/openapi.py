"""`GET /openapi.json`: an OpenAPI 3.1 description of the public API and the staff API
(`openapi_staff`), exact enough to fuzz."""

from __future__ import annotations

from flask import Blueprint, jsonify

from endpoint.api import openapi_staff
from endpoint.api.frozen import frozen, thawed

bp = Blueprint("openapi", __name__)

SLUG = frozen({"name": "slug", "in": "path", "required": True,
               "schema": {"type": "string", "pattern": "^[a-z0-9-]+$", "maxLength": 100}})
BOOKING_ID = frozen({"name": "booking_id", "in": "path", "required": True,
                     "schema": {"type": "string", "maxLength": 64}})
AUTH = frozen({"name": "Authorization", "in": "header", "required": False,
               "schema": {"type": "string"},
               "description": "Bearer <cancel_token>, or Bearer <session> of a logged-in patient"})
SESSION = frozen({"name": "Authorization", "in": "header", "required": False,
                  "schema": {"type": "string"},
                  "description": "Bearer <session> of a logged-in patient (docs/patient-login.md)"})
LOCATION = frozen({"Location": {"description": "Where the browser goes next",
                                "schema": {"type": "string"}}})
HOLD_ID = frozen({"name": "hold_id", "in": "path", "required": True,
                  "schema": {"type": "string", "maxLength": 64}})
HOLD_AUTH = frozen({**AUTH, "description": "Bearer <hold_token>"})
ENTRY_ID = frozen({"name": "entry_id", "in": "path", "required": True,
                   "schema": {"type": "string", "maxLength": 64}})
ENTRY_AUTH = frozen({**AUTH, "description": "Bearer <token> (the entry's, or an offer's)"})


def _problem(description: str) -> dict:
    return {"description": description,
            "content": {"application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"}}}}


RETRY_AFTER = frozen({"Retry-After": {"description": "Seconds to wait before trying again",
                                      "schema": {"type": "string", "pattern": "^[0-9]+$"}}})
UNAVAILABLE = frozen({"description": "The database is unreachable; try again after Retry-After",
                      "headers": RETRY_AFTER,
                      "content": {"application/problem+json": {
                          "schema": {"$ref": "#/components/schemas/Problem"}}}})
RATE_LIMITED = frozen({**UNAVAILABLE, "description": "Rate limited (per client address); "
                                                     "wait Retry-After seconds"})


def _json(description: str, ref: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


DATETIME = frozen({"type": "string", "format": "date-time"})
#: one busy source in /healthz (docs/sync.md)
SYNC_SOURCE = frozen({
    "type": "object", "required": ["clinic", "calendar", "source", "ok", "last_ok_at", "error"],
    "properties": {"clinic": {"type": "string"}, "calendar": {"type": "string"},
                   "source": {"type": "string", "description": "the URL without credentials"},
                   "ok": {"type": "boolean"},
                   "last_ok_at": {"type": ["string", "null"], "format": "date-time"},
                   "error": {"type": ["string", "null"]}},
})

RULES = frozen({
    "type": "object",
    "required": ["first_available_only", "max_self_booked", "days_ahead",
                 "booking_deadline_hours", "cancellation_deadline_hours"],
    "properties": {
        "first_available_only": {"type": "boolean"},
        "max_self_booked": {"type": "integer"},
        "days_ahead": {"type": "integer"},
        "booking_deadline_hours": {"type": "number"},
        "cancellation_deadline_hours": {"type": "number"},
        "allow_move": {"type": "boolean"},
    },
})
BOOKING = frozen({
    "type": "object",
    "required": ["id", "calendar", "type", "start", "end", "status"],
    "properties": {
        "id": {"type": "string"}, "calendar": {"type": "string"}, "type": {"type": "string"},
        "start": DATETIME, "end": DATETIME,
        "status": {"type": "string", "enum": ["active", "cancelled"]},
        "calendar_name": {"type": "string"}, "type_name": {"type": "string"},
        "address": {"type": "string"}, "cancellable": {"type": "boolean"},
        "can_move": {"type": "boolean",
                     "description": "the patient may move it online now (docs/patients.md)"},
    },
})

SPEC = frozen({
    "openapi": "3.1.0",
    "info": {"title": "ledig booking endpoint", "version": "1",
             "description": "Live free slots, bookings and cancellations for the pages that "
                            "`sitegen` builds, and the staff API under /api/v1/staff for "
                            "the clinic's own staff. Errors are RFC 9457 problem details."},
    "paths": {
        "/api/v1/clinics/{slug}": {
            "get": {"operationId": "getClinic", "parameters": [SLUG], "responses": {
                "200": _json("Public clinic information", "Clinic"),
                "404": _problem("Unknown clinic"), "503": UNAVAILABLE}},
        },
        "/api/v1/clinics/{slug}/slots": {
            "get": {
                "operationId": "getSlots",
                "parameters": [
                    SLUG,
                    {"name": "type", "in": "query", "required": True,
                     "schema": {"type": "string", "maxLength": 100}},
                    {"name": "calendar", "in": "query", "required": False,
                     "schema": {"type": "string", "maxLength": 100}},
                    {"name": "from", "in": "query", "required": False,
                     "schema": {"type": "string", "format": "date"}},
                    {"name": "to", "in": "query", "required": False,
                     "description": "At most 92 days after `from`; without it, the last "
                                    "bookable day, however far",
                     "schema": {"type": "string", "format": "date"}},
                ],
                "responses": {
                    "200": _json("Visible slots, day by day", "Slots"),
                    "404": _problem("Unknown clinic, or unknown/offline type or calendar"),
                    "422": _problem("Missing type, invalid dates, or a `to` more than 92 days "
                                    "after `from`"),
                    "503": UNAVAILABLE,
                },
            },
        },
        "/api/v1/clinics/{slug}/bookings": {
            "post": {
                "operationId": "createBooking",
                "description": "With a logged-in patient's session (Authorization: Bearer "
                               "<session>) the patient's id_type and national_id come from "
                               "the login and may be left out, as may the names.",
                "parameters": [SLUG, SESSION],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/BookingRequest"}}}},
                "responses": {
                    "201": _json("Booked; the cancel token is returned only here", "Created"),
                    "401": _problem("A session that has ended, expired or is another "
                                    "clinic's"),
                    "404": _problem("Unknown clinic"),
                    "409": _problem("slot_unavailable, max_self_booked, booking_deadline, "
                                    "outside_booking_window, hold_invalid or hold_expired"),
                    "413": _problem("Body too large"),
                    "415": _problem("Not JSON"),
                    "422": _problem("Invalid fields (all listed in errors)"),
                    "429": RATE_LIMITED,
                    "503": UNAVAILABLE,
                },
            },
        },
        "/api/v1/clinics/{slug}/bookings/{booking_id}": {
            "get": {
                "operationId": "getBooking",
                "parameters": [SLUG, BOOKING_ID, AUTH],
                "responses": {
                    "200": _json("The booking and whether it can be cancelled", "BookingEnvelope"),
                    "401": _problem("No bearer token"),
                    "404": _problem("Unknown clinic, unknown id or wrong token"),
                    "503": UNAVAILABLE,
                },
            },
            "delete": {
                "operationId": "cancelBooking",
                "parameters": [SLUG, BOOKING_ID, AUTH],
                "responses": {
                    "200": _json("Cancelled (or already cancelled)", "BookingEnvelope"),
                    "401": _problem("No bearer token"),
                    "404": _problem("Unknown clinic, unknown id or wrong token"),
                    "409": _problem("cancellation_deadline"),
                    "429": RATE_LIMITED,
                    "503": UNAVAILABLE,
                },
            },
            "patch": {
                "operationId": "moveBooking",
                "description": "The patient moves the booking to another visible time (and "
                               "calendar); same id and token, the type stays.",
                "parameters": [SLUG, BOOKING_ID, AUTH],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/MoveRequest"}}}},
                "responses": {
                    "200": _json("Moved (or already there)", "BookingEnvelope"),
                    "401": _problem("No bearer token"),
                    "404": _problem("Unknown clinic, unknown id or wrong token"),
                    "409": _problem("cancellation_deadline, move_not_allowed, "
                                    "booking_cancelled, slot_unavailable, booking_deadline, "
                                    "outside_booking_window, hold_invalid or hold_expired"),
                    "413": _problem("Body too large"),
                    "415": _problem("Not JSON"),
                    "422": _problem("Invalid fields (all listed in errors)"),
                    "429": RATE_LIMITED,
                    "503": UNAVAILABLE,
                },
            },
        },
        "/api/v1/clinics/{slug}/holds": {
            "post": {
                "operationId": "createHold",
                "description": "Hold a visible time for online.hold_minutes: busy for "
                               "everyone else until it expires, is released or is booked "
                               "with its hold_token.",
                "parameters": [SLUG],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/HoldRequest"}}}},
                "responses": {
                    "201": _json("Held; the hold token is returned only here", "HoldCreated"),
                    "404": _problem("Unknown clinic, or holds are off (hold_minutes: 0)"),
                    "409": _problem("slot_unavailable, booking_deadline or "
                                    "outside_booking_window"),
                    "413": _problem("Body too large"),
                    "415": _problem("Not JSON"),
                    "422": _problem("Invalid fields (all listed in errors)"),
                    "429": RATE_LIMITED,
                    "503": UNAVAILABLE,
                },
            },
        },
        "/api/v1/clinics/{slug}/holds/{hold_id}": {
            "delete": {
                "operationId": "releaseHold",
                "parameters": [SLUG, HOLD_ID, HOLD_AUTH],
                "responses": {
                    "200": _json("Released", "Released"),
                    "401": _problem("No bearer token"),
                    "404": _problem("Unknown clinic, holds off, unknown id or wrong token"),
                    "429": RATE_LIMITED,
                    "503": UNAVAILABLE,
                },
            },
        },
        "/api/v1/clinics/{slug}/waitlist": {
            "post": {
                "operationId": "joinWaitlist",
                "description": "Join the wait list; freed times that fit are offered by the "
                               "type's notify channels, with a link to venteliste/.",
                "parameters": [SLUG],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/WaitlistRequest"}}}},
                "responses": {
                    "201": _json("On the list; the token is returned only here (and in the "
                                 "link the patient is sent)", "WaitlistCreated"),
                    "404": _problem("Unknown clinic, or the wait list is off"),
                    "413": _problem("Body too large"),
                    "415": _problem("Not JSON"),
                    "422": _problem("Invalid fields (all listed in errors)"),
                    "429": RATE_LIMITED,
                    "503": UNAVAILABLE,
                },
            },
        },
        "/api/v1/clinics/{slug}/waitlist/{entry_id}": {
            "get": {
                "operationId": "getWaitlistEntry",
                "parameters": [SLUG, ENTRY_ID, ENTRY_AUTH],
                "responses": {
                    "200": _json("The entry and the times offered to it", "WaitlistView"),
                    "401": _problem("No bearer token"),
                    "404": _problem("Unknown clinic, wait list off, unknown id or wrong "
                                    "token"),
                    "503": UNAVAILABLE,
                },
            },
            "delete": {
                "operationId": "leaveWaitlist",
                "parameters": [SLUG, ENTRY_ID, ENTRY_AUTH],
                "responses": {
                    "200": _json("Left (or had already ended)", "WaitlistEnvelope"),
                    "401": _problem("No bearer token"),
                    "404": _problem("Unknown clinic, wait list off, unknown id or wrong "
                                    "token"),
                    "429": RATE_LIMITED,
                    "503": UNAVAILABLE,
                },
            },
        },
        "/api/v1/clinics/{slug}/waitlist/{entry_id}/claim": {
            "post": {
                "operationId": "claimWaitlistOffer",
                "description": "Book a freed time for the entry's patient, under every "
                               "online rule; the entry becomes booked.",
                "parameters": [SLUG, ENTRY_ID, ENTRY_AUTH],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ClaimRequest"}}}},
                "responses": {
                    "201": _json("Booked; the cancel token is returned only here", "Created"),
                    "401": _problem("No bearer token"),
                    "404": _problem("Unknown clinic, wait list off, unknown id or wrong "
                                    "token"),
                    "409": _problem("waitlist_ended, slot_unavailable, max_self_booked, "
                                    "booking_deadline or outside_booking_window"),
                    "413": _problem("Body too large"),
                    "415": _problem("Not JSON"),
                    "422": _problem("Invalid fields, or a time outside the entry "
                                    "(waitlist_outside)"),
                    "429": RATE_LIMITED,
                    "503": UNAVAILABLE,
                },
            },
        },
        "/api/v1/clinics/{slug}/me": {
            "get": {
                "operationId": "getMe",
                "description": "The logged-in patient: names, contact details from their last "
                               "booking, and this clinic's bookings of theirs however made. "
                               "Never the national id.",
                "parameters": [SLUG, SESSION],
                "responses": {
                    "200": _json("The patient and their bookings", "Me"),
                    "401": _problem("No session, or one that has ended, expired or is "
                                    "another clinic's"),
                    "404": _problem("Unknown clinic"),
                    "503": UNAVAILABLE,
                },
            },
        },
        "/api/v1/clinics/{slug}/me/logout": {
            "post": {
                "operationId": "logout",
                "parameters": [SLUG, SESSION],
                "responses": {
                    "200": {"description": "The session (if any) has ended",
                            "content": {"application/json": {"schema": {
                                "type": "object", "required": ["logged_out"],
                                "properties": {"logged_out": {"type": "boolean"},
                                               "ended": {"type": "boolean"}}}}}},
                    "401": _problem("No bearer token"),
                    "404": _problem("Unknown clinic"),
                    "429": RATE_LIMITED,
                    "503": UNAVAILABLE,
                },
            },
        },
        "/patient/{slug}/login": {
            "get": {
                "operationId": "patientLogin",
                "description": "Starts the OpenID Connect login (authorization code, PKCE "
                               "S256, state, nonce, the clinic's acr_values) in the browser.",
                "parameters": [SLUG, {"name": "next", "in": "query", "required": True,
                                      "schema": {"type": "string", "maxLength": 2000},
                                      "description": "One of the clinic's own pages"}],
                "responses": {
                    "303": {"description": "To the identity provider (or back to next with "
                                           "#login_error=provider)", "headers": LOCATION},
                    "400": _problem("validation: next is not one of the clinic's pages"),
                    "404": _problem("Unknown clinic, or no patient login there"),
                    "429": RATE_LIMITED,
                    "503": UNAVAILABLE,
                },
            },
        },
        "/patient/{slug}/callback": {
            "get": {
                "operationId": "patientLoginCallback",
                "description": "Where the identity provider returns; validates the id token "
                               "and ends on next with #session=<token>. A failure is 401 "
                               "login_failed with a reason, or for a browser a redirect to "
                               "next with #login_error=<reason>.",
                "parameters": [SLUG,
                               {"name": "state", "in": "query", "required": False,
                                "schema": {"type": "string", "maxLength": 200}},
                               {"name": "code", "in": "query", "required": False,
                                "schema": {"type": "string", "maxLength": 2000}},
                               {"name": "error", "in": "query", "required": False,
                                "schema": {"type": "string", "maxLength": 200}}],
                "responses": {
                    "303": {"description": "To next, with #session= or #login_error= in the "
                                           "fragment", "headers": LOCATION},
                    "401": _problem("login_failed: state, denied, code, provider, signature, "
                                    "issuer, audience, expired, nonce, acr, identity or "
                                    "claims"),
                    "404": _problem("Unknown clinic, or no patient login there"),
                    "429": RATE_LIMITED,
                    "503": UNAVAILABLE,
                },
            },
        },
        "/api/v1/clinics/{slug}/cancellation": {
            "get": {
                "operationId": "getBookingByCancelToken",
                "description": "The booking a message's short cancellation link names: the link's "
                               "fragment is the cancel token alone, sent here as the bearer "
                               "token; cancel it with DELETE on its id and the same token.",
                "parameters": [SLUG, AUTH],
                "responses": {
                    "200": _json("The booking and whether it can be cancelled", "BookingEnvelope"),
                    "401": _problem("No bearer token"),
                    "404": _problem("Unknown clinic or no booking with this token"),
                    "503": UNAVAILABLE,
                },
            },
        },
        "/healthz": {
            "get": {"operationId": "health", "responses": {
                "200": _json("Healthy", "Health"), "503": _json("Database unreachable", "Health")}},
        },
        **openapi_staff.PATHS,
    },
    "components": {"schemas": {
        "Problem": {
            "type": "object", "required": ["type", "title", "status", "code"],
            "properties": {
                "type": {"type": "string"}, "title": {"type": "string"},
                "status": {"type": "integer"}, "detail": {"type": "string"},
                "code": {"type": "string", "enum": [
                    "validation", "not_found", "slot_unavailable", "max_self_booked",
                    "booking_deadline", "outside_booking_window", "cancellation_deadline",
                    "rate_limited", "unauthorized", "login_failed", "forbidden",
                    "method_not_allowed", "data_integrity",
                    "payload_too_large", "unsupported_media_type", "unavailable",
                    "move_not_allowed", "hold_expired", "hold_invalid", "waitlist_ended",
                    *openapi_staff.CODES]},
                "reason": {"type": "string", "description": "why a login failed"},
                "from": {"type": "string", "format": "date-time",
                         "description": "`attendance_too_early`: when it may be recorded"},
                "errors": {"type": "array", "items": {
                    "type": "object", "required": ["field", "code", "message"],
                    "properties": {"field": {"type": "string"}, "code": {"type": "string"},
                                   "message": {"type": "string"}}}},
            },
        },
        "Rules": RULES,
        "Clinic": {
            "type": "object",
            "required": ["clinic", "name", "timezone", "version", "calendars", "types",
                         "restrictions"],
            "properties": {
                "clinic": {"type": "string"}, "name": {"type": "string"},
                "timezone": {"type": "string"}, "language": {"type": "string"},
                "address": {"type": "string"}, "phone": {"type": "string"},
                "test_mode": {"type": "boolean"}, "version": {"type": "string"},
                "calendars": {"type": "array", "items": {
                    "type": "object", "required": ["id", "name"],
                    "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                                   "title": {"type": "string"}}}},
                "types": {"type": "array", "items": {
                    "type": "object", "required": ["id", "name", "duration"],
                    "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                                   "duration": {"type": "integer"},
                                   "price": {"type": ["integer", "null"]},
                                   "address": {"type": ["string", "null"]},
                                   "info": {"type": ["string", "null"]},
                                   "rules": {"$ref": "#/components/schemas/Rules"},
                                   "allow_move": {"type": "boolean"}}}},
                "restrictions": {"$ref": "#/components/schemas/Rules"},
                "hold_minutes": {"type": "integer", "minimum": 0,
                                 "description": "how long a picked time is held; 0: no holds"},
                "waitlist": {"type": "boolean", "description": "the wait list is open"},
            },
        },
        "Slots": {
            "type": "object",
            "required": ["clinic", "type", "timezone", "version", "days", "full", "closed"],
            "properties": {
                "clinic": {"type": "string"}, "type": {"type": "string"},
                "timezone": {"type": "string"}, "version": {"type": "string"},
                "days": {"type": "array", "items": {
                    "type": "object", "required": ["date", "slots"],
                    "properties": {
                        "date": {"type": "string", "format": "date"},
                        "slots": {"type": "array", "items": {
                            "type": "object", "required": ["start", "end", "calendar"],
                            "properties": {"start": DATETIME, "end": DATETIME,
                                           "calendar": {"type": "string"}}}}}}},
                "full": {"type": "array", "items": {"type": "string", "format": "date"},
                         "description": "days of the range with online openings of the "
                                        "type, none of them free (first available: on "
                                        "every calendar)"},
                "closed": {"type": "array", "items": {
                    "type": "object", "required": ["date", "reason"],
                    "properties": {"date": {"type": "string", "format": "date"},
                                   "reason": {"type": ["string", "null"]},
                                   "other_types": {
                                       "type": "boolean",
                                       "description": "no reason, and a calendar asked "
                                                      "for is open online that day for "
                                                      "other types: the type is not "
                                                      "offered, the clinic is open"}}},
                    "description": "days of the range without online openings of the type, "
                                   "with the clinic's reason (a closed exception's reason, "
                                   "the public holiday's name) or null"},
            },
        },
        "BookingRequest": {
            "type": "object", "required": ["calendar", "type", "start", "patient"],
            "properties": {
                "calendar": {"type": "string"}, "type": {"type": "string"},
                "start": DATETIME,
                "note": {"type": "string", "maxLength": 1000},
                "hold_token": {"type": "string", "maxLength": 200,
                               "description": "the token of the patient's hold on this "
                                              "time; the booking consumes the hold"},
                "patient": {"$ref": "#/components/schemas/Patient"},
            },
        },
        "Patient": {
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
        },
        "MoveRequest": {
            "type": "object", "required": ["start"], "additionalProperties": False,
            "properties": {"start": DATETIME,
                           "calendar": {"type": ["string", "null"], "maxLength": 100},
                           "hold_token": {"type": "string", "maxLength": 200,
                                          "description": "the patient's hold on the new "
                                                         "time"}}},
        "HoldRequest": {
            "type": "object", "required": ["calendar", "type", "start"],
            "additionalProperties": False,
            "properties": {"calendar": {"type": "string", "maxLength": 100},
                           "type": {"type": "string", "maxLength": 100}, "start": DATETIME}},
        "Hold": {
            "type": "object",
            "required": ["id", "calendar", "type", "start", "end", "expires_at"],
            "properties": {"id": {"type": "string"}, "calendar": {"type": "string"},
                           "type": {"type": "string"}, "start": DATETIME, "end": DATETIME,
                           "expires_at": DATETIME}},
        "HoldCreated": {"type": "object", "required": ["hold", "hold_token"],
                        "properties": {"hold": {"$ref": "#/components/schemas/Hold"},
                                       "hold_token": {"type": "string", "minLength": 43}}},
        "WaitlistRequest": {
            "type": "object", "required": ["type", "to", "patient"],
            "additionalProperties": False,
            "properties": {"type": {"type": "string", "maxLength": 100},
                           "calendar": {"type": ["string", "null"], "maxLength": 100},
                           "from": {"type": "string", "format": "date"},
                           "to": {"type": "string", "format": "date"},
                           "patient": {"$ref": "#/components/schemas/Patient"}}},
        "ClaimRequest": {
            "type": "object", "required": ["calendar", "start"], "additionalProperties": False,
            "properties": {"calendar": {"type": "string", "maxLength": 100},
                           "start": DATETIME}},
        "WaitlistEntry": {
            "type": "object", "required": ["id", "status", "type", "calendar", "from", "to"],
            "properties": {
                "id": {"type": "string"},
                "status": {"type": "string",
                           "enum": ["waiting", "booked", "cancelled", "expired"]},
                "type": {"type": "string"}, "calendar": {"type": ["string", "null"]},
                "from": {"type": "string", "format": "date"},
                "to": {"type": "string", "format": "date"}}},
        "WaitlistCreated": {
            "type": "object", "required": ["entry", "token"],
            "properties": {"entry": {"$ref": "#/components/schemas/WaitlistEntry"},
                           "token": {"type": "string", "minLength": 43}}},
        "WaitlistEnvelope": {
            "type": "object", "required": ["entry"],
            "properties": {"entry": {"$ref": "#/components/schemas/WaitlistEntry"}}},
        "WaitlistView": {
            "type": "object", "required": ["entry", "offers"],
            "properties": {
                "entry": {"$ref": "#/components/schemas/WaitlistEntry"},
                "offers": {"type": "array", "items": {
                    "type": "object", "required": ["calendar", "start", "end", "available"],
                    "properties": {"calendar": {"type": "string"}, "start": DATETIME,
                                   "end": DATETIME, "available": {"type": "boolean"}}}}}},
        "Released": {"type": "object", "required": ["released"],
                     "properties": {"released": {"type": "boolean"}}},
        "Booking": BOOKING,
        "Me": {
            "type": "object",
            "required": ["first_name", "last_name", "phone", "email", "bookings"],
            "properties": {
                "first_name": {"type": "string"}, "last_name": {"type": "string"},
                "phone": {"type": "string"}, "email": {"type": "string"},
                "bookings": {"type": "array", "items": {"allOf": [
                    {"$ref": "#/components/schemas/Booking"},
                    {"type": "object", "required": ["can_cancel", "can_move", "past"],
                     "properties": {"can_cancel": {"type": "boolean"},
                                    "can_move": {"type": "boolean"},
                                    "past": {"type": "boolean"}}}]}},
            },
        },
        "BookingEnvelope": {"type": "object", "required": ["booking"],
                            "properties": {"booking": {"$ref": "#/components/schemas/Booking"}}},
        "Created": {"type": "object", "required": ["booking", "cancel_token"],
                    "properties": {"booking": {"$ref": "#/components/schemas/Booking"},
                                   "cancel_token": {"type": "string", "minLength": 22}}},
        "Health": {"type": "object", "required": ["status"],
                   "properties": {"status": {"type": "string"}, "database": {"type": "string"},
                                  "clinics": {"type": "array", "items": {"type": "string"}},
                                  "content": {"type": "string"},
                                  "content_errors": {"type": "array",
                                                     "items": {"type": "string"}},
                                  "conflicts": {"type": ["integer", "null"],
                                                "description": "active future bookings "
                                                               "outside their schedule"},
                                  "sync": {"type": "array", "items": SYNC_SOURCE,
                                           "description": "calendars' busy sources; status "
                                                          "is degraded while one fails or "
                                                          "is stale"}}},
        **openapi_staff.SCHEMAS,
    }},
})


@bp.get("/openapi.json")
def openapi():
    return jsonify(thawed(SPEC))
