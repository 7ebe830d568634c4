/// The OpenAPI 3.1 document served at `/openapi.json`. A test fails when a route the server
/// registers is missing here.
public enum OpenAPIDocument {
    public static let json = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "Squawk API",
    "version": "0.1.0",
    "description": "Flight-status webhooks from the Infinite Flight Live API. Every /v1 route needs `Authorization: Bearer <key>`. Errors are `application/problem+json` with a stable `code`."
  },
  "servers": [
    {
      "url": "/"
    }
  ],
  "security": [
    {
      "bearer": []
    }
  ],
  "paths": {
    "/healthz": {
      "get": {
        "operationId": "health",
        "summary": "Liveness",
        "security": [],
        "responses": {
          "200": {
            "description": "alive",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        }
      }
    },
    "/openapi.json": {
      "get": {
        "operationId": "openapi",
        "summary": "This document",
        "security": [],
        "responses": {
          "200": {
            "description": "OpenAPI 3.1 document",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          }
        }
      }
    },
    "/v1/subscriptions": {
      "post": {
        "operationId": "createSubscription",
        "summary": "Create a subscription",
        "description": "Validates, stores and returns the subscription with its signing secret (shown once). With `Idempotency-Key`, a retry with the same body returns the same subscription (200, `Idempotent-Replayed: true`); a different body under the same key is 409. With `?dryRun=true`, validates and reports what would be watched; nothing is stored.",
        "parameters": [
          {
            "name": "dryRun",
            "in": "query",
            "required": false,
            "schema": {
              "type": "boolean"
            }
          },
          {
            "name": "Idempotency-Key",
            "in": "header",
            "required": false,
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 255
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/SubscriptionCreate"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Created (includes `secret`)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Subscription"
                }
              }
            },
            "links": {
              "GetSubscription": {
                "operationId": "getSubscription",
                "parameters": {
                  "id": "$response.body#/id"
                }
              },
              "UpdateSubscription": {
                "operationId": "updateSubscription",
                "parameters": {
                  "id": "$response.body#/id"
                }
              },
              "DeleteSubscription": {
                "operationId": "deleteSubscription",
                "parameters": {
                  "id": "$response.body#/id"
                }
              },
              "RotateSecret": {
                "operationId": "rotateSecret",
                "parameters": {
                  "id": "$response.body#/id"
                }
              },
              "EnableSubscription": {
                "operationId": "enableSubscription",
                "parameters": {
                  "id": "$response.body#/id"
                }
              },
              "ListDeliveries": {
                "operationId": "listDeliveries",
                "parameters": {
                  "id": "$response.body#/id"
                }
              },
              "SendTestEvent": {
                "operationId": "sendTestEvent",
                "parameters": {
                  "id": "$response.body#/id"
                }
              }
            }
          },
          "200": {
            "description": "Idempotent replay (no secret), or a dry run",
            "content": {
              "application/json": {
                "schema": {
                  "oneOf": [
                    {
                      "$ref": "#/components/schemas/Subscription"
                    },
                    {
                      "$ref": "#/components/schemas/DryRun"
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "get": {
        "operationId": "listSubscriptions",
        "summary": "List your subscriptions",
        "description": "Oldest first; pass `nextCursor` as `cursor` for the next page.",
        "parameters": [
          {
            "name": "limit",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 200,
              "default": 50
            }
          },
          {
            "name": "cursor",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "kind",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "flight",
                "callsign",
                "user",
                "airport",
                "server",
                "fls_flight",
                "fls_club"
              ]
            }
          },
          {
            "name": "targetId",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "status",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "active",
                "disabled"
              ]
            }
          },
          {
            "name": "format",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "json",
                "discord",
                "slack",
                "flifo"
              ]
            }
          }
        ],
        "responses": {
          "200": {
            "description": "A page",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SubscriptionList"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/subscriptions/{id}": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "schema": {
            "type": "string",
            "maxLength": 64
          },
          "description": "Subscription id (sub_…)"
        }
      ],
      "get": {
        "operationId": "getSubscription",
        "summary": "Get a subscription",
        "responses": {
          "200": {
            "description": "The subscription",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Subscription"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "patch": {
        "operationId": "updateSubscription",
        "summary": "Change a subscription",
        "description": "Fields present are replaced; `null` clears `server`, `description`, `expiresAt`. The target cannot change.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/SubscriptionPatch"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Updated",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Subscription"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "delete": {
        "operationId": "deleteSubscription",
        "summary": "Delete a subscription",
        "responses": {
          "204": {
            "description": "Deleted"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/subscriptions/{id}/rotate-secret": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "schema": {
            "type": "string",
            "maxLength": 64
          },
          "description": "Subscription id (sub_…)"
        }
      ],
      "post": {
        "operationId": "rotateSecret",
        "summary": "Rotate the signing secret",
        "description": "The new secret signs from now on; the previous one keeps signing too (both signatures are sent) until `previousSecretExpiresAt` (default 24 h).",
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                  "overlapSeconds": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 604800
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The new secret (shown once)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Secret"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/subscriptions/{id}/enable": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "schema": {
            "type": "string",
            "maxLength": 64
          },
          "description": "Subscription id (sub_…)"
        }
      ],
      "post": {
        "operationId": "enableSubscription",
        "summary": "Re-enable a disabled subscription",
        "responses": {
          "200": {
            "description": "Enabled",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Subscription"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/flifo/v3/flight/{airport}/{airline}/{flightNumber}/{adi}": {
      "get": {
        "operationId": "flifoFlightRecord",
        "summary": "FLIFO v3 FlightRecord (SITA-compatible)",
        "description": "Answers from the latest Live API snapshot. Airline + flight number map to Infinite Flight callsigns (DL 40 → DAL40, DL40, Delta 40 [Heavy]). With subscribeForUpdates=true, creates a flifo-format subscription to the flight. Errors use FLIFO's payload: 2027 URL too long, 9999 endpoint required, 2020 airport not found, 2019 airline not found, 1003 no service, 1001 no data.",
        "parameters": [
          {
            "name": "airport",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "IATA (or ICAO) airport code"
          },
          {
            "name": "airline",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "IATA (or ICAO) airline code"
          },
          {
            "name": "flightNumber",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "adi",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "enum": [
                "A",
                "D",
                "a",
                "d"
              ]
            },
            "description": "A (arrival) or D (departure), any case"
          },
          {
            "name": "subscribeForUpdates",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "true",
                "false"
              ]
            }
          },
          {
            "name": "notifyEndpoint",
            "in": "query",
            "schema": {
              "type": "string",
              "description": "http(s) URL; over 256 characters is error 2027"
            }
          },
          {
            "name": "operationDate",
            "in": "query",
            "schema": {
              "type": "string"
            },
            "description": "YYYY-MM-DD"
          },
          {
            "name": "callback",
            "in": "query",
            "schema": {
              "type": "string",
              "maxLength": 64,
              "pattern": "^[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*$"
            },
            "description": "JSONP callback: a JavaScript identifier"
          }
        ],
        "responses": {
          "200": {
            "description": "The flight record",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/FlifoResponse"
                }
              },
              "application/javascript": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "description": "FLIFO error payload",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/FlifoError"
                }
              },
              "application/javascript": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "404": {
            "description": "FLIFO error payload",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/FlifoError"
                }
              },
              "application/javascript": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/subscriptions/{id}/deliveries": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "schema": {
            "type": "string",
            "maxLength": 64
          },
          "description": "Subscription id (sub_…)"
        }
      ],
      "get": {
        "operationId": "listDeliveries",
        "summary": "The delivery log of a subscription, newest first",
        "parameters": [
          {
            "name": "status",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "pending",
                "inflight",
                "delivered",
                "failed"
              ]
            }
          },
          {
            "name": "limit",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 200
            }
          },
          {
            "name": "cursor",
            "in": "query",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]{1,18}$"
            },
            "description": "nextCursor of the previous page"
          }
        ],
        "responses": {
          "200": {
            "description": "A page of deliveries",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DeliveryList"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "503": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/subscriptions/{id}/test": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "schema": {
            "type": "string",
            "maxLength": 64
          },
          "description": "Subscription id (sub_…)"
        }
      ],
      "post": {
        "operationId": "sendTestEvent",
        "summary": "Send a subscription.test event to this subscription now",
        "responses": {
          "202": {
            "description": "Enqueued",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TestEvent"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "503": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/subscriptions/{id}/recover": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "schema": {
            "type": "string",
            "maxLength": 64
          },
          "description": "Subscription id (sub_…)"
        }
      ],
      "post": {
        "operationId": "recoverDeliveries",
        "summary": "Requeue the failed deliveries created since a time",
        "parameters": [
          {
            "name": "since",
            "in": "query",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "RFC 3339 time or unix seconds"
          }
        ],
        "responses": {
          "202": {
            "description": "Requeued",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Recover"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "503": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/deliveries/{id}": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "schema": {
            "type": "string",
            "maxLength": 64
          },
          "description": "Delivery id (dlv_…)"
        }
      ],
      "get": {
        "operationId": "getDelivery",
        "summary": "One delivery with its attempts",
        "responses": {
          "200": {
            "description": "The delivery",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Delivery"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "503": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/deliveries/{id}/redeliver": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "schema": {
            "type": "string",
            "maxLength": 64
          },
          "description": "Delivery id (dlv_…)"
        }
      ],
      "post": {
        "operationId": "redeliver",
        "summary": "Send a delivery again now, whatever its status",
        "responses": {
          "202": {
            "description": "Due now",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Delivery"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "503": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/readyz": {
      "get": {
        "operationId": "ready",
        "summary": "Readiness: the store answers and the upstream has answered once",
        "security": [],
        "responses": {
          "200": {
            "description": "Ready",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "503": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/status": {
      "get": {
        "operationId": "status",
        "summary": "Servers polled, last snapshot age, the polling plan and budget, the queue",
        "responses": {
          "200": {
            "description": "Status",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Status"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "503": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key (`sqk_…`) or the admin key."
      }
    },
    "responses": {
      "Problem": {
        "description": "An error (RFC 9457)",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      }
    },
    "schemas": {
      "Problem": {
        "type": "object",
        "required": [
          "type",
          "title",
          "status",
          "code",
          "detail"
        ],
        "properties": {
          "type": {
            "type": "string"
          },
          "title": {
            "type": "string"
          },
          "status": {
            "type": "integer"
          },
          "code": {
            "type": "string",
            "description": "Stable machine-readable code, e.g. endpoint_too_long, endpoint_address_not_allowed, unknown_field, not_found, idempotency_key_reused"
          },
          "detail": {
            "type": "string"
          },
          "field": {
            "type": "string"
          }
        }
      },
      "Target": {
        "type": "object",
        "required": [
          "kind",
          "id"
        ],
        "additionalProperties": false,
        "properties": {
          "kind": {
            "type": "string",
            "enum": [
              "flight",
              "callsign",
              "user",
              "airport",
              "server",
              "fls_flight",
              "fls_club"
            ]
          },
          "id": {
            "type": "string",
            "minLength": 1,
            "maxLength": 64,
            "description": "flight: flight id (UUID); callsign: DAL40, DAL* or *VA; user: user id or forum username; airport: ICAO; server: server name or id; fls_flight: FLS flight id (UUID); fls_club: name of a configured FLS instance"
          }
        }
      },
      "EventType": {
        "type": "string",
        "enum": [
          "flight.online",
          "flight.offline",
          "flight.takeoff",
          "flight.landing",
          "flight.plan_filed",
          "flight.plan_changed",
          "flight.diverted",
          "flight.approaching",
          "flight.pilot_state",
          "atc.opened",
          "atc.closed",
          "atis.changed",
          "fls.takeoff",
          "fls.landing",
          "fls.might_have_started",
          "fls.might_have_landed",
          "fls.corrected",
          "fls.state_changed"
        ]
      },
      "Format": {
        "type": "string",
        "enum": [
          "json",
          "discord",
          "slack",
          "flifo"
        ]
      },
      "SubscriptionCreate": {
        "type": "object",
        "required": [
          "target",
          "notifyEndpoint"
        ],
        "additionalProperties": false,
        "properties": {
          "target": {
            "$ref": "#/components/schemas/Target"
          },
          "events": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/EventType"
            },
            "description": "At least one; omit for every default event type of the target kind (airport targets may also ask for flight.plan_filed and flight.plan_changed)",
            "minItems": 1
          },
          "filters": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Filters"
              },
              {
                "type": "null"
              }
            ]
          },
          "notifyEndpoint": {
            "type": "string",
            "minLength": 1,
            "maxLength": 256,
            "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://",
            "description": "http(s) URL of at most 256 characters; no credentials; no private, loopback, link-local, multicast or metadata address unless allow-listed"
          },
          "format": {
            "$ref": "#/components/schemas/Format"
          },
          "server": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 64,
            "description": "Only events on this server (name or id). Not for FLS targets; a server target names its server already"
          },
          "description": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 500
          },
          "metadata": {
            "type": "object",
            "additionalProperties": {
              "type": "string",
              "maxLength": 512
            },
            "maxProperties": 32
          },
          "expiresAt": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          }
        }
      },
      "SubscriptionPatch": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
          "target": {
            "$ref": "#/components/schemas/Target"
          },
          "events": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/EventType"
            },
            "minItems": 1,
            "description": "At least one; omit for every default event type of the target kind (airport targets may also ask for flight.plan_filed and flight.plan_changed)"
          },
          "filters": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Filters"
              },
              {
                "type": "null"
              }
            ],
            "description": "Replaces the filters whole; null removes them"
          },
          "notifyEndpoint": {
            "type": "string",
            "minLength": 1,
            "maxLength": 256,
            "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"
          },
          "format": {
            "$ref": "#/components/schemas/Format"
          },
          "server": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 64
          },
          "description": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 500
          },
          "metadata": {
            "type": "object",
            "additionalProperties": {
              "type": "string",
              "maxLength": 512
            },
            "maxProperties": 32
          },
          "expiresAt": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          }
        }
      },
      "Subscription": {
        "type": "object",
        "required": [
          "id",
          "target",
          "server",
          "events",
          "filters",
          "notifyEndpoint",
          "format",
          "description",
          "metadata",
          "status",
          "disabledReason",
          "createdAt",
          "updatedAt",
          "expiresAt"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "target": {
            "$ref": "#/components/schemas/Target"
          },
          "server": {
            "type": [
              "string",
              "null"
            ]
          },
          "events": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/EventType"
            }
          },
          "filters": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Filters"
              },
              {
                "type": "null"
              }
            ]
          },
          "notifyEndpoint": {
            "type": "string"
          },
          "format": {
            "$ref": "#/components/schemas/Format"
          },
          "description": {
            "type": [
              "string",
              "null"
            ]
          },
          "metadata": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "status": {
            "type": "string",
            "enum": [
              "active",
              "disabled"
            ]
          },
          "disabledReason": {
            "type": [
              "string",
              "null"
            ]
          },
          "createdAt": {
            "type": "string",
            "format": "date-time"
          },
          "updatedAt": {
            "type": "string",
            "format": "date-time"
          },
          "expiresAt": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "secret": {
            "type": "string",
            "description": "whsec_… — only in the answer to a create"
          }
        }
      },
      "SubscriptionList": {
        "type": "object",
        "required": [
          "data",
          "nextCursor"
        ],
        "properties": {
          "data": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Subscription"
            }
          },
          "nextCursor": {
            "type": [
              "string",
              "null"
            ]
          }
        }
      },
      "DryRun": {
        "type": "object",
        "required": [
          "valid",
          "subscription",
          "watches"
        ],
        "properties": {
          "valid": {
            "type": "boolean"
          },
          "subscription": {
            "$ref": "#/components/schemas/Subscription"
          },
          "watches": {
            "type": "string"
          }
        }
      },
      "Secret": {
        "type": "object",
        "required": [
          "secret",
          "previousSecretExpiresAt"
        ],
        "properties": {
          "secret": {
            "type": "string"
          },
          "previousSecretExpiresAt": {
            "type": "string",
            "format": "date-time"
          }
        }
      },
      "FlifoError": {
        "type": "object",
        "required": [
          "errors",
          "success"
        ],
        "properties": {
          "success": {
            "const": false
          },
          "errors": {
            "type": "object",
            "required": [
              "error"
            ],
            "properties": {
              "error": {
                "type": "array",
                "items": {
                  "type": "object",
                  "required": [
                    "description",
                    "code"
                  ],
                  "properties": {
                    "description": {
                      "type": "string"
                    },
                    "code": {
                      "type": [
                        "string",
                        "integer"
                      ]
                    }
                  },
                  "additionalProperties": true
                }
              }
            }
          }
        }
      },
      "FlifoResponse": {
        "type": "object",
        "description": "SITA FLIFO v3 FlightRecord (seed 004). Unknown fields are omitted, never null or empty. A flifo-format subscription's notifications have the same shape with subscribedForUpdates true; there airportCode, adi, airlineCode and flightNumber are omitted when the event does not tell them, and each record may also carry aircraft, actual, eventType and sequence (the event-to-status table is in the README).",
        "required": [
          "airportCode",
          "airlineCode",
          "flightNumber",
          "flightDate",
          "adi",
          "subscribedForUpdates",
          "flightRecord",
          "success"
        ],
        "properties": {
          "airportCode": {
            "type": "string",
            "description": "The airport asked for: the departure airport with adi D, the arrival airport with A"
          },
          "airlineCode": {
            "type": "string"
          },
          "flightNumber": {
            "type": "string"
          },
          "flightDate": {
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
          },
          "adi": {
            "type": "string",
            "enum": [
              "A",
              "D"
            ]
          },
          "subscribedForUpdates": {
            "type": "boolean"
          },
          "success": {
            "type": "boolean"
          },
          "flightRecord": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "operatingCarrier",
                "status",
                "statusText",
                "callsign"
              ],
              "properties": {
                "operatingCarrier": {
                  "type": "object",
                  "required": [
                    "airlineCode",
                    "flightNumber",
                    "airline"
                  ],
                  "properties": {
                    "airlineCode": {
                      "type": "string"
                    },
                    "flightNumber": {
                      "type": "string"
                    },
                    "airline": {
                      "type": "string"
                    }
                  }
                },
                "airportCode": {
                  "type": "string",
                  "description": "The other end of the flight (destination for adi D, origin for A), from its flight plan: IATA code, else ICAO"
                },
                "city": {
                  "type": "string",
                  "description": "The city airportCode's airport serves"
                },
                "aircraft": {
                  "type": "string",
                  "description": "Aircraft name, only when known (notifications whose event names it)"
                },
                "status": {
                  "type": "string",
                  "enum": [
                    "SC",
                    "TX",
                    "DP",
                    "LD"
                  ],
                  "description": "SC Scheduled, TX Taxiing, DP Departed (in the air), LD Landed (on the ground at the destination). Notifications also use AP Approaching, DV Diverted, AR Arrived, UN Unknown."
                },
                "statusText": {
                  "type": "string",
                  "enum": [
                    "Scheduled",
                    "Taxiing",
                    "Departed",
                    "Landed"
                  ]
                },
                "estimated": {
                  "type": "string",
                  "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{4}$",
                  "description": "adi A, in the air: the estimated arrival (report time + distance to the destination at the ground speed), UTC as +0000"
                },
                "actual": {
                  "type": "string",
                  "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{4}$",
                  "description": "Notifications: actual takeoff (adi D) or touchdown (adi A), UTC as +0000"
                },
                "callsign": {
                  "type": "string"
                },
                "latitude": {
                  "type": "number"
                },
                "longitude": {
                  "type": "number"
                },
                "altitude": {
                  "type": "number",
                  "description": "Feet above mean sea level"
                },
                "groundSpeed": {
                  "type": "number",
                  "description": "Knots"
                }
              }
            }
          }
        }
      },
      "Attempt": {
        "type": "object",
        "required": [
          "attempt",
          "at",
          "statusCode",
          "latencyMs",
          "response",
          "error"
        ],
        "properties": {
          "attempt": {
            "type": "integer"
          },
          "at": {
            "type": "string",
            "format": "date-time"
          },
          "statusCode": {
            "type": [
              "integer",
              "null"
            ]
          },
          "latencyMs": {
            "type": "integer"
          },
          "response": {
            "type": [
              "string",
              "null"
            ],
            "description": "first 1 KiB of the response body"
          },
          "error": {
            "type": [
              "string",
              "null"
            ]
          }
        }
      },
      "Delivery": {
        "type": "object",
        "required": [
          "id",
          "eventId",
          "subscriptionId",
          "sequence",
          "status",
          "attempts",
          "nextAttemptAt",
          "lastStatusCode",
          "lastError",
          "createdAt",
          "completedAt"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "eventId": {
            "type": "string",
            "description": "the webhook-id header"
          },
          "subscriptionId": {
            "type": "string"
          },
          "sequence": {
            "type": "integer",
            "description": "position among all deliveries to the subscription"
          },
          "status": {
            "type": "string",
            "enum": [
              "pending",
              "inflight",
              "delivered",
              "failed"
            ]
          },
          "attempts": {
            "type": "integer"
          },
          "nextAttemptAt": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "lastStatusCode": {
            "type": [
              "integer",
              "null"
            ]
          },
          "lastError": {
            "type": [
              "string",
              "null"
            ]
          },
          "createdAt": {
            "type": "string",
            "format": "date-time"
          },
          "completedAt": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "attemptLog": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Attempt"
            }
          }
        }
      },
      "DeliveryList": {
        "type": "object",
        "required": [
          "data",
          "nextCursor"
        ],
        "properties": {
          "data": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Delivery"
            }
          },
          "nextCursor": {
            "type": [
              "string",
              "null"
            ]
          }
        }
      },
      "TestEvent": {
        "type": "object",
        "required": [
          "eventId",
          "subscriptionId"
        ],
        "properties": {
          "eventId": {
            "type": "string"
          },
          "subscriptionId": {
            "type": "string"
          }
        }
      },
      "Recover": {
        "type": "object",
        "required": [
          "subscriptionId",
          "requeued"
        ],
        "properties": {
          "subscriptionId": {
            "type": "string"
          },
          "requeued": {
            "type": "integer"
          }
        }
      },
      "Status": {
        "type": "object",
        "required": [
          "upstreamReady",
          "servers",
          "plan",
          "planRequestsPerMinute",
          "budgetPerMinute",
          "budgetUsedLastMinute",
          "degraded",
          "activeSubscriptions"
        ],
        "properties": {
          "pollingLeader": {
            "type": "boolean",
            "description": "With several instances on one database: whether this instance polls the Live API for the cluster now. Absent with one instance."
          },
          "upstreamReady": {
            "type": "boolean"
          },
          "servers": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "id",
                "name",
                "polled",
                "flights"
              ],
              "properties": {
                "id": {
                  "type": "string"
                },
                "name": {
                  "type": "string"
                },
                "polled": {
                  "type": "boolean"
                },
                "lastSnapshotAgeSeconds": {
                  "type": "number"
                },
                "flights": {
                  "type": "integer"
                }
              }
            }
          },
          "plan": {
            "type": "string"
          },
          "planRequestsPerMinute": {
            "type": "number"
          },
          "budgetPerMinute": {
            "type": "integer"
          },
          "budgetUsedLastMinute": {
            "type": "integer"
          },
          "degraded": {
            "type": "boolean"
          },
          "activeSubscriptions": {
            "type": "integer"
          },
          "fls": {
            "type": "array",
            "description": "The configured FLS instances (gliding-club flight logs) and how their polling goes.",
            "items": {
              "type": "object",
              "required": [
                "name",
                "polled",
                "legsTracked",
                "budgetPerMinute",
                "budgetUsedLastMinute"
              ],
              "properties": {
                "name": {
                  "type": "string"
                },
                "polled": {
                  "type": "boolean"
                },
                "lastPollAgeSeconds": {
                  "type": "number"
                },
                "lastError": {
                  "type": "string"
                },
                "legsTracked": {
                  "type": "integer"
                },
                "budgetPerMinute": {
                  "type": "integer"
                },
                "budgetUsedLastMinute": {
                  "type": "integer"
                }
              }
            }
          },
          "queue": {
            "type": "object",
            "required": [
              "pending",
              "inflight",
              "retrying"
            ],
            "properties": {
              "pending": {
                "type": "integer"
              },
              "inflight": {
                "type": "integer"
              },
              "retrying": {
                "type": "integer"
              },
              "oldestPendingAgeSeconds": {
                "type": "number"
              }
            }
          }
        }
      },
      "Filters": {
        "type": "object",
        "additionalProperties": false,
        "description": "Content filters: every key optional, every key given must hold. A filter constrains the events it is about (frequencyTypes: ATC/ATIS events; virtualOrganization, origin, destination, aircraft: flight.* events; direction: an airport's takeoffs, landings, approaches, diversions and plans; landing: flight.landing); other events pass. An event about what a filter tests but without the value (no plan, no touchdown rate) does not pass.",
        "properties": {
          "frequencyTypes": {
            "type": "array",
            "minItems": 1,
            "maxItems": 50,
            "items": {
              "type": "string",
              "enum": [
                "ground",
                "tower",
                "unicom",
                "clearance",
                "approach",
                "departure",
                "center",
                "atis",
                "aircraft",
                "recorded",
                "unknown",
                "unused",
                "nav",
                "ndb"
              ]
            },
            "description": "ATC events whose frequency is of one of these kinds (atis.changed counts as atis)"
          },
          "virtualOrganization": {
            "type": "string",
            "minLength": 1,
            "maxLength": 64,
            "description": "The pilot's virtual organization, ignoring case; a trailing * makes it a prefix (IFAE*)"
          },
          "direction": {
            "type": "string",
            "enum": [
              "departures",
              "arrivals",
              "both"
            ],
            "description": "Airport targets only. departures: takeoffs from the airport and plans out of it; arrivals: landings at it, approaching it, diverted to it, plans into it"
          },
          "origin": {
            "type": "array",
            "minItems": 1,
            "maxItems": 50,
            "items": {
              "type": "string",
              "pattern": "^[A-Za-z0-9]{4}$"
            },
            "description": "ICAO codes; the flight plan's origin must be one of them"
          },
          "destination": {
            "type": "array",
            "minItems": 1,
            "maxItems": 50,
            "items": {
              "type": "string",
              "pattern": "^[A-Za-z0-9]{4}$"
            },
            "description": "ICAO codes; the flight plan's destination must be one of them"
          },
          "aircraft": {
            "type": "array",
            "minItems": 1,
            "maxItems": 50,
            "items": {
              "type": "string",
              "minLength": 1,
              "maxLength": 64
            },
            "description": "Aircraft or livery ids (Live API), or text found in the aircraft or livery name (A350, Boeing 787-9, Delta), ignoring case"
          },
          "landing": {
            "type": "object",
            "additionalProperties": false,
            "minProperties": 1,
            "description": "Bounds (inclusive) on a landing: touchdown rate in ft/min (negative; maxVerticalSpeed -600 keeps landings at -600 or harder) and ground speed in kt",
            "properties": {
              "minVerticalSpeed": {
                "type": "number",
                "minimum": -10000,
                "maximum": 10000
              },
              "maxVerticalSpeed": {
                "type": "number",
                "minimum": -10000,
                "maximum": 10000
              },
              "minGroundSpeed": {
                "type": "number",
                "minimum": 0,
                "maximum": 1000
              },
              "maxGroundSpeed": {
                "type": "number",
                "minimum": 0,
                "maximum": 1000
              }
            }
          }
        }
      }
    }
  }
}
"""#
}
