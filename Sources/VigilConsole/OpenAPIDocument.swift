/// The OpenAPI 3.1 description of `/api/v1/`, served at `/api/v1/openapi.json`: every route, its
/// parameters, the bearer scheme and the response schemas. Written by hand; a test holds the keys of
/// real responses equal to the schemas' properties.
package enum OpenAPIDocument {
    package static let text = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "Vigil console API",
            "version": "1",
            "description": "Read-only access to Vigil's usage ledger, clients, cameras, incidents and invoices. Every route needs a token: Authorization: Bearer vgl_... (vigil tokens create). A token limited to one client sees that client only; another client's id answers 404."
          },
          "servers": [{"url": "/api/v1"}],
          "security": [{"bearer": []}],
          "paths": {
            "/openapi.json": {
              "get": {
                "summary": "This document.",
                "responses": {"200": {"description": "The OpenAPI document.", "content": {"application/json": {"schema": {"type": "object"}}}},
                              "401": {"$ref": "#/components/responses/Unauthorized"}, "503": {"$ref": "#/components/responses/Unavailable"}}
              }
            },
            "/clients": {
              "get": {
                "summary": "The clients the token sees, by id.",
                "responses": {"200": {"description": "Clients.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClientList"}}}},
                              "401": {"$ref": "#/components/responses/Unauthorized"}, "503": {"$ref": "#/components/responses/Unavailable"}}
              }
            },
            "/clients/{id}": {
              "get": {
                "summary": "One client.",
                "parameters": [{"name": "id", "in": "path", "required": true, "description": "The client's configuration id.", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "The client.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Client"}}}},
                              "401": {"$ref": "#/components/responses/Unauthorized"}, "503": {"$ref": "#/components/responses/Unavailable"},
                              "404": {"$ref": "#/components/responses/NotFound"}}
              }
            },
            "/cameras": {
              "get": {
                "summary": "The cameras the token sees, by id (never their stream URLs).",
                "responses": {"200": {"description": "Cameras.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CameraList"}}}},
                              "401": {"$ref": "#/components/responses/Unauthorized"}, "503": {"$ref": "#/components/responses/Unavailable"}}
              }
            },
            "/cameras/{id}/sessions": {
              "get": {
                "summary": "A camera's stream sessions (connections), newest first, at most 1000.",
                "parameters": [{"name": "id", "in": "path", "required": true, "description": "The camera's id.", "schema": {"type": "string"}},
                               {"name": "days", "in": "query", "description": "Sessions started this many days back; default 7.", "schema": {"type": "integer", "minimum": 1, "maximum": 366, "default": 7}}],
                "responses": {"200": {"description": "Sessions.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionList"}}}},
                              "400": {"$ref": "#/components/responses/BadRequest"},
                              "401": {"$ref": "#/components/responses/Unauthorized"}, "503": {"$ref": "#/components/responses/Unavailable"},
                              "404": {"$ref": "#/components/responses/NotFound"}}
              }
            },
            "/usage": {
              "get": {
                "summary": "Calls, tokens and exact cost over a period, in total and grouped.",
                "parameters": [
                  {"name": "from", "in": "query", "description": "Start (included): YYYY-MM-DD (UTC midnight) or an ISO 8601 time. Default: 30 days before to. Must be before to (else 400).", "schema": {"$ref": "#/components/schemas/Time"}},
                  {"name": "to", "in": "query", "description": "End (excluded): YYYY-MM-DD or an ISO 8601 time. Default: now.", "schema": {"$ref": "#/components/schemas/Time"}},
                  {"name": "by", "in": "query", "description": "Grouping of the rows; none gives the total only.", "schema": {"type": "string", "enum": ["day", "model", "camera", "source", "client", "operation", "session", "tier", "node"]}},
                  {"name": "client", "in": "query", "description": "One client's usage (its id).", "schema": {"type": "string"}}
                ],
                "responses": {"200": {"description": "The report.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Usage"}}}},
                              "400": {"$ref": "#/components/responses/BadRequest"},
                              "401": {"$ref": "#/components/responses/Unauthorized"}, "503": {"$ref": "#/components/responses/Unavailable"},
                              "404": {"$ref": "#/components/responses/NotFound"}}
              }
            },
            "/incidents": {
              "get": {
                "summary": "Incidents Gemini reported, newest first (at most 1000).",
                "parameters": [{"name": "days", "in": "query", "description": "How many days back; default 7.", "schema": {"type": "integer", "minimum": 1, "maximum": 366, "default": 7}}],
                "responses": {"200": {"description": "Incidents.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IncidentList"}}}},
                              "400": {"$ref": "#/components/responses/BadRequest"},
                              "401": {"$ref": "#/components/responses/Unauthorized"}, "503": {"$ref": "#/components/responses/Unavailable"}}
              }
            },
            "/invoices": {
              "get": {
                "summary": "Issued invoices and credit notes, by number.",
                "parameters": [{"name": "month", "in": "query", "description": "Only this month's: YYYY-MM.", "schema": {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"}}],
                "responses": {"200": {"description": "Invoices.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/InvoiceList"}}}},
                              "400": {"$ref": "#/components/responses/BadRequest"},
                              "401": {"$ref": "#/components/responses/Unauthorized"}, "503": {"$ref": "#/components/responses/Unavailable"}}
              }
            },
            "/invoices/{number}": {
              "get": {
                "summary": "One issued invoice or credit note as frozen: JSON; {number}.json, {number}.csv, {number}.html and {number}.pdf give the other formats (the client's document; the PDF is A4).",
                "parameters": [{"name": "number", "in": "path", "required": true, "description": "The document's number, optionally with .json, .csv, .html or .pdf.", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "The document.", "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/InvoiceDocument"}},
                                "text/csv": {"schema": {"type": "string"}}, "text/html": {"schema": {"type": "string"}},
                                "application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                              "401": {"$ref": "#/components/responses/Unauthorized"}, "503": {"$ref": "#/components/responses/Unavailable"},
                              "404": {"$ref": "#/components/responses/NotFound"}}
              }
            },
            "/budgets": {
              "get": {
                "summary": "Each budgeted client's calendar month so far (clients[].budget in the configuration vigil serve was given).",
                "responses": {"200": {"description": "Budgets.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BudgetList"}}}},
                              "401": {"$ref": "#/components/responses/Unauthorized"}, "503": {"$ref": "#/components/responses/Unavailable"}}
              }
            },
            "/tokens": {
              "get": {
                "summary": "The console's API tokens (never a token or its hash). Needs the admin role.",
                "responses": {"200": {"description": "Tokens.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenList"}}}},
                              "401": {"$ref": "#/components/responses/Unauthorized"}, "503": {"$ref": "#/components/responses/Unavailable"},
                              "403": {"$ref": "#/components/responses/Forbidden"}}
              }
            }
          },
          "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "An API token from vigil tokens create: vgl_ and 43 base64url characters."}},
            "responses": {
              "BadRequest": {"description": "A parameter is wrong; the message names it and what it expects.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "Unauthorized": {"description": "No token, an unknown token, or a revoked one.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "Forbidden": {"description": "The token's role is not enough.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "NotFound": {"description": "No such thing, or not one this token may see.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "Unavailable": {"description": "PostgreSQL is unreachable; try again after Retry-After seconds.", "headers": {"Retry-After": {"schema": {"type": "integer"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            },
            "schemas": {
              "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
              "Time": {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}], "description": "YYYY-MM-DD (UTC midnight) or an ISO 8601 time."},
              "Client": {"type": "object", "required": ["id", "name", "time_zone", "cameras"], "properties": {
                "id": {"type": "string"}, "name": {"type": "string"}, "time_zone": {"type": "string"}, "cameras": {"type": "integer", "description": "How many cameras it has."}}},
              "ClientList": {"type": "object", "required": ["clients"], "properties": {"clients": {"type": "array", "items": {"$ref": "#/components/schemas/Client"}}}},
              "Camera": {"type": "object", "required": ["id", "name", "client", "enabled", "active", "streaming", "down_since", "last_error"], "properties": {
                "id": {"type": "string"}, "name": {"type": "string"}, "client": {"type": "string"}, "enabled": {"type": "boolean"}, "active": {"type": "boolean"},
                "streaming": {"type": "boolean", "description": "Its newest stream session is open."},
                "down_since": {"type": ["string", "null"], "format": "date-time", "description": "When its newest session ended; null while streaming or if it never connected."},
                "last_error": {"type": ["string", "null"], "description": "Why its newest session ended."}}},
              "CameraList": {"type": "object", "required": ["cameras"], "properties": {"cameras": {"type": "array", "items": {"$ref": "#/components/schemas/Camera"}}}},
              "Session": {"type": "object", "required": ["id", "started_at", "ended_at", "end_reason"], "properties": {
                "id": {"type": "string", "format": "uuid"}, "started_at": {"type": ["string", "null"], "format": "date-time"},
                "ended_at": {"type": ["string", "null"], "format": "date-time"}, "end_reason": {"type": ["string", "null"]}}},
              "SessionList": {"type": "object", "required": ["sessions"], "properties": {"sessions": {"type": "array", "items": {"$ref": "#/components/schemas/Session"}}}},
              "UsageRow": {"type": "object", "required": ["key", "kind", "calls", "failed_calls", "prompt_tokens", "cached_tokens", "completion_tokens", "thoughts_tokens", "tool_use_tokens", "total_tokens", "cost", "unpriced_calls", "skipped_samples", "success_rate", "average_latency_ms", "p95_latency_ms"], "properties": {
                "key": {"type": "string"}, "kind": {"type": "string"}, "calls": {"type": "integer"}, "failed_calls": {"type": "integer"},
                "prompt_tokens": {"type": "integer"}, "cached_tokens": {"type": "integer"}, "completion_tokens": {"type": "integer"},
                "thoughts_tokens": {"type": "integer"}, "tool_use_tokens": {"type": "integer"}, "total_tokens": {"type": "integer"},
                "cost": {"type": "string", "description": "Exact provider cost in USD, decimal text."}, "unpriced_calls": {"type": "integer"},
                "skipped_samples": {"type": "integer", "description": "Samples the scene gate skipped (no call made)."},
                "success_rate": {"type": ["number", "null"], "minimum": 0, "maximum": 1, "description": "Calls that succeeded, as a fraction; null without calls."},
                "average_latency_ms": {"type": ["number", "null"], "description": "Mean call latency; null without calls or for a camera's line."},
                "p95_latency_ms": {"type": ["number", "null"], "description": "95th percentile of call latency, within one histogram bucket; null without calls or for a camera's line."}}},
              "Usage": {"type": "object", "required": ["from", "to", "client", "by", "total", "rows"], "properties": {
                "from": {"type": "string", "format": "date-time"}, "to": {"type": "string", "format": "date-time"},
                "client": {"type": ["string", "null"]}, "by": {"type": ["string", "null"]},
                "total": {"$ref": "#/components/schemas/UsageRow"}, "rows": {"type": "array", "items": {"$ref": "#/components/schemas/UsageRow"}}}},
              "Incident": {"type": "object", "required": ["time", "client", "camera", "source", "incident_type", "confidence", "description", "evidence_path", "quadrant", "request_id", "model"], "properties": {
                "time": {"type": "string", "format": "date-time"}, "client": {"type": ["string", "null"]}, "camera": {"type": "string"}, "source": {"type": "string"},
                "incident_type": {"type": "string"}, "confidence": {"type": ["string", "null"], "description": "Decimal text, e.g. 0.91."},
                "description": {"type": "string"}, "evidence_path": {"type": ["string", "null"]}, "quadrant": {"type": ["integer", "null"]},
                "request_id": {"type": "string"}, "model": {"type": ["string", "null"]}}},
              "IncidentList": {"type": "object", "required": ["incidents"], "properties": {"incidents": {"type": "array", "items": {"$ref": "#/components/schemas/Incident"}}}},
              "Invoice": {"type": "object", "required": ["number", "kind", "client", "month", "issue_date", "due_date", "total", "currency", "credits"], "properties": {
                "number": {"type": "string"}, "kind": {"type": "string", "enum": ["invoice", "credit_note"]}, "client": {"type": "string"}, "month": {"type": "string"},
                "issue_date": {"type": "string", "format": "date"}, "due_date": {"type": ["string", "null"], "format": "date"},
                "total": {"type": "string", "description": "Decimal text in the invoice's currency."}, "currency": {"type": "string"},
                "credits": {"type": ["string", "null"], "description": "The invoice a credit note credits."}}},
              "InvoiceDocument": {"type": "object", "required": ["number"], "description": "The invoice as vigil invoice --format json writes it: seller, client, period, lines, totals.", "properties": {
                "number": {"type": ["string", "null"]}}, "additionalProperties": true},
              "InvoiceList": {"type": "object", "required": ["invoices"], "properties": {"invoices": {"type": "array", "items": {"$ref": "#/components/schemas/Invoice"}}}},
              "Budget": {"type": "object", "required": ["client", "month", "limit", "spent", "percent", "state"], "properties": {
                "client": {"type": "string"}, "month": {"type": "string", "description": "YYYY-MM in the client's time zone."},
                "limit": {"type": "string", "description": "Decimal text in USD."}, "spent": {"type": "string", "description": "Decimal text in USD."},
                "percent": {"type": "number"}, "state": {"type": "string", "enum": ["normal", "degraded", "paused"]}}},
              "BudgetList": {"type": "object", "required": ["budgets"], "properties": {"budgets": {"type": "array", "items": {"$ref": "#/components/schemas/Budget"}}}},
              "Token": {"type": "object", "required": ["id", "name", "role", "client", "created_at", "last_used_at", "revoked_at"], "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"}, "role": {"type": "string", "enum": ["viewer", "billing", "admin"]},
                "client": {"type": ["string", "null"]}, "created_at": {"type": ["string", "null"], "format": "date-time"},
                "last_used_at": {"type": ["string", "null"], "format": "date-time"}, "revoked_at": {"type": ["string", "null"], "format": "date-time"}}},
              "TokenList": {"type": "object", "required": ["tokens"], "properties": {"tokens": {"type": "array", "items": {"$ref": "#/components/schemas/Token"}}}}
            }
          }
        }
        """#

    /// The paths the server answers under `/api/v1`, as the document names them.
    package static let paths = [
        "/openapi.json", "/clients", "/clients/{id}", "/cameras", "/cameras/{id}/sessions", "/usage", "/incidents", "/invoices",
        "/invoices/{number}", "/budgets", "/tokens",
    ]
}
