/// The OpenAPI 3.1 document served at `/openapi.json`, kept by hand next to the routes. `.ci/run` proves that it
/// matches what the server does: it runs schemathesis against a server on the demo lab and fails on any 5xx or any
/// response that breaks this document.
enum OpenAPIDocument {
    static let text = #"""
{
 "openapi": "3.1.0",
 "info": {
  "title": "LivingLab API",
  "version": "0.9.0",
  "description": "The lab's API for coordinators, firms, merchants and sponsors. Errors are RFC 9457 problem documents."
 },
 "servers": [
  {
   "url": "/"
  }
 ],
 "paths": {
  "/health": {
   "get": {
    "operationId": "health",
    "summary": "Liveness: the process answers.",
    "security": [
     {},
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "Alive.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Status"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "429": {
      "$ref": "#/components/responses/429"
     }
    }
   }
  },
  "/ready": {
   "get": {
    "operationId": "ready",
    "summary": "Readiness: the database answers.",
    "security": [
     {},
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "Ready.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Status"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   }
  },
  "/metrics": {
   "get": {
    "operationId": "metrics",
    "summary": "Prometheus text: requests by route and status, latency, refusals, plugin calls.",
    "security": [
     {},
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "Metrics.",
      "content": {
       "text/plain": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "429": {
      "$ref": "#/components/responses/429"
     }
    }
   }
  },
  "/openapi.json": {
   "get": {
    "operationId": "openapi",
    "summary": "This document.",
    "security": [
     {},
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "OpenAPI 3.1.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "429": {
      "$ref": "#/components/responses/429"
     }
    }
   }
  },
  "/v1/me": {
   "get": {
    "operationId": "me",
    "summary": "Who the token stands for.",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "The caller.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Me"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "429": {
      "$ref": "#/components/responses/429"
     }
    }
   }
  },
  "/v1/merchants": {
   "get": {
    "operationId": "listMerchants",
    "summary": "Merchants the caller may see (all; their own; a sponsor's paired ones).",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "where",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "maxLength": 4096
      },
      "description": "A criteria expression, e.g. `sector in [bakery] and maturity <= 2`."
     }
    ],
    "responses": {
     "200": {
      "description": "Merchants.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Merchant"
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   }
  },
  "/v1/merchants/{merchant}": {
   "get": {
    "operationId": "showMerchant",
    "summary": "A merchant's profile, sponsors, enrollments and consents.",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "merchant",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "A merchant's id, e.g. m04."
     }
    ],
    "responses": {
     "200": {
      "description": "The profile.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/MerchantProfile"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   }
  },
  "/v1/feedback": {
   "post": {
    "operationId": "giveFeedback",
    "summary": "A merchant's or sponsor's feedback on a plugin.",
    "security": [
     {
      "bearer": []
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/FeedbackRequest"
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Recorded.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Feedback"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "409": {
      "$ref": "#/components/responses/409"
     },
     "413": {
      "$ref": "#/components/responses/413"
     },
     "422": {
      "$ref": "#/components/responses/422"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    },
    "parameters": [
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "pattern": "^[!-~]{1,200}$"
      },
      "description": "Sending the same request again with the same key gets the first answer (header Idempotent-Replayed: true) without doing it twice; the same key with another request is refused with 409. Kept a day."
     }
    ]
   },
   "get": {
    "operationId": "listFeedback",
    "summary": "Feedback with its answers: all for a coordinator, on its own plugins for a firm (without authors), their own for a merchant or sponsor.",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "plugin",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Only feedback on this plugin."
     }
    ],
    "responses": {
     "200": {
      "description": "OK.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/FeedbackThread"
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   }
  },
  "/v1/protocols": {
   "get": {
    "operationId": "listProtocols",
    "summary": "Protocols the caller may see.",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "Protocols.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Protocol"
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   },
   "post": {
    "operationId": "applyProtocol",
    "summary": "A coordinator creates a protocol from its YAML, or amends it: the diff and whether it is material.",
    "security": [
     {
      "bearer": []
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ProtocolApplyRequest"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "Amended or unchanged.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ProtocolApplyResult"
        }
       }
      }
     },
     "201": {
      "description": "Created (version 1, a draft).",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ProtocolApplyResult"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "409": {
      "$ref": "#/components/responses/409"
     },
     "413": {
      "$ref": "#/components/responses/413"
     },
     "422": {
      "$ref": "#/components/responses/422"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    },
    "parameters": [
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "pattern": "^[!-~]{1,200}$"
      },
      "description": "Sending the same request again with the same key gets the first answer (header Idempotent-Replayed: true) without doing it twice; the same key with another request is refused with 409. Kept a day."
     }
    ]
   }
  },
  "/v1/protocols/{protocol}": {
   "get": {
    "operationId": "showProtocol",
    "summary": "A protocol's terms and trial state.",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "protocol",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "A protocol's id, e.g. click-collect-2027."
     }
    ],
    "responses": {
     "200": {
      "description": "The protocol.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Protocol"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   }
  },
  "/v1/protocols/{protocol}/document": {
   "get": {
    "operationId": "consentDocument",
    "summary": "What a merchant reads before consenting, with its SHA-256.",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "protocol",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "A protocol's id, e.g. click-collect-2027."
     },
     {
      "name": "language",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "fr (default) or en."
     }
    ],
    "responses": {
     "200": {
      "description": "The document.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ConsentDocument"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   }
  },
  "/v1/protocols/{protocol}/consents": {
   "get": {
    "operationId": "listConsents",
    "summary": "Consent statuses (a coordinator: all; a merchant: their own; the firm: counts only).",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "protocol",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "A protocol's id, e.g. click-collect-2027."
     }
    ],
    "responses": {
     "200": {
      "description": "Statuses, or the firm's counts.",
      "content": {
       "application/json": {
        "schema": {
         "oneOf": [
          {
           "type": "array",
           "items": {
            "$ref": "#/components/schemas/ConsentStatus"
           }
          },
          {
           "$ref": "#/components/schemas/ConsentSummary"
          }
         ]
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   },
   "post": {
    "operationId": "giveConsent",
    "summary": "A merchant consents, naming the document shown (its language and SHA-256).",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "protocol",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "A protocol's id, e.g. click-collect-2027."
     },
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "pattern": "^[!-~]{1,200}$"
      },
      "description": "Sending the same request again with the same key gets the first answer (header Idempotent-Replayed: true) without doing it twice; the same key with another request is refused with 409. Kept a day."
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ConsentRequest"
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Recorded.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ConsentEvent"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "409": {
      "$ref": "#/components/responses/409"
     },
     "413": {
      "$ref": "#/components/responses/413"
     },
     "422": {
      "$ref": "#/components/responses/422"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   }
  },
  "/v1/protocols/{protocol}/withdrawals": {
   "post": {
    "operationId": "withdraw",
    "summary": "A merchant withdraws in one step: the plugin stops serving them.",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "protocol",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "A protocol's id, e.g. click-collect-2027."
     },
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "pattern": "^[!-~]{1,200}$"
      },
      "description": "Sending the same request again with the same key gets the first answer (header Idempotent-Replayed: true) without doing it twice; the same key with another request is refused with 409. Kept a day."
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/WithdrawalRequest"
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Withdrawn (or already).",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/WithdrawalResult"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "409": {
      "$ref": "#/components/responses/409"
     },
     "413": {
      "$ref": "#/components/responses/413"
     },
     "422": {
      "$ref": "#/components/responses/422"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   }
  },
  "/v1/protocols/{protocol}/outcomes": {
   "post": {
    "operationId": "recordOutcomes",
    "summary": "A batch of up to 1000 outcomes, idempotent by key, with a result per row.",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "protocol",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "A protocol's id, e.g. click-collect-2027."
     },
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "pattern": "^[!-~]{1,200}$"
      },
      "description": "Sending the same request again with the same key gets the first answer (header Idempotent-Replayed: true) without doing it twice; the same key with another request is refused with 409. Kept a day."
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/OutcomeBatch"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "One result per row.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/OutcomeBatchResult"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "409": {
      "$ref": "#/components/responses/409"
     },
     "413": {
      "$ref": "#/components/responses/413"
     },
     "422": {
      "$ref": "#/components/responses/422"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   }
  },
  "/v1/protocols/{protocol}/report": {
   "get": {
    "operationId": "report",
    "summary": "The trial report: JSON, CSV or HTML.",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "protocol",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "A protocol's id, e.g. click-collect-2027."
     },
     {
      "name": "format",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "enum": [
        "json",
        "csv",
        "html"
       ]
      }
     },
     {
      "name": "lang",
      "in": "query",
      "required": false,
      "description": "The language of the HTML report (French by default).",
      "schema": {
       "type": "string",
       "enum": [
        "fr",
        "en"
       ]
      }
     }
    ],
    "responses": {
     "200": {
      "description": "The report.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Report"
        }
       },
       "text/csv": {
        "schema": {
         "type": "string"
        }
       },
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "422": {
      "$ref": "#/components/responses/422"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   }
  },
  "/v1/protocols/{protocol}/approval": {
   "post": {
    "operationId": "approveProtocol",
    "summary": "A coordinator approves the newest version: it is in force from now on.",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "protocol",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "A protocol's id, e.g. click-collect-2027."
     },
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "pattern": "^[!-~]{1,200}$"
      },
      "description": "Sending the same request again with the same key gets the first answer (header Idempotent-Replayed: true) without doing it twice; the same key with another request is refused with 409. Kept a day."
     }
    ],
    "responses": {
     "201": {
      "description": "Approved.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Protocol"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "409": {
      "$ref": "#/components/responses/409"
     },
     "422": {
      "$ref": "#/components/responses/422"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   }
  },
  "/v1/protocols/{protocol}/enrollments": {
   "post": {
    "operationId": "enroll",
    "summary": "A coordinator invites eligible merchants: a cohort, or a list.",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "protocol",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "A protocol's id, e.g. click-collect-2027."
     },
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "pattern": "^[!-~]{1,200}$"
      },
      "description": "Sending the same request again with the same key gets the first answer (header Idempotent-Replayed: true) without doing it twice; the same key with another request is refused with 409. Kept a day."
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/EnrollmentRequest"
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "The enrollments made.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Enrollment"
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "409": {
      "$ref": "#/components/responses/409"
     },
     "413": {
      "$ref": "#/components/responses/413"
     },
     "422": {
      "$ref": "#/components/responses/422"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   }
  },
  "/v1/protocols/{protocol}/assignment": {
   "post": {
    "operationId": "assign",
    "summary": "A coordinator draws and commits the arms (the protocol's design and seed unless given).",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "protocol",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "A protocol's id, e.g. click-collect-2027."
     },
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "pattern": "^[!-~]{1,200}$"
      },
      "description": "Sending the same request again with the same key gets the first answer (header Idempotent-Replayed: true) without doing it twice; the same key with another request is refused with 409. Kept a day."
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/AssignmentRequest"
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "The committed assignment.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Assignment"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "409": {
      "$ref": "#/components/responses/409"
     },
     "413": {
      "$ref": "#/components/responses/413"
     },
     "422": {
      "$ref": "#/components/responses/422"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   }
  },
  "/v1/protocols/{protocol}/state": {
   "post": {
    "operationId": "setTrialState",
    "summary": "A coordinator starts, pauses or stops the trial.",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "protocol",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "A protocol's id, e.g. click-collect-2027."
     },
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "pattern": "^[!-~]{1,200}$"
      },
      "description": "Sending the same request again with the same key gets the first answer (header Idempotent-Replayed: true) without doing it twice; the same key with another request is refused with 409. Kept a day."
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/TrialStateRequest"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The trial after the change.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/TrialChange"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "409": {
      "$ref": "#/components/responses/409"
     },
     "413": {
      "$ref": "#/components/responses/413"
     },
     "422": {
      "$ref": "#/components/responses/422"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   }
  },
  "/v1/audit/verify": {
   "get": {
    "operationId": "verifyAudit",
    "summary": "Checks the audit chain.",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "The check.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AuditVerification"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   }
  },
  "/v1/merchants/{merchant}/plugins/{plugin}/requests": {
   "post": {
    "operationId": "callPlugin",
    "summary": "A merchant's customer calls the plugin serving that merchant (no token needed); 404 where it does not serve them now.",
    "security": [
     {},
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "merchant",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The merchant."
     },
     {
      "name": "plugin",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The plugin's id, e.g. fr.livinglab.click-and-collect."
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/PluginRequest"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The plugin's answer.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/PluginAnswer"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "413": {
      "$ref": "#/components/responses/413"
     },
     "422": {
      "$ref": "#/components/responses/422"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   }
  },
  "/v1/cohorts": {
   "get": {
    "operationId": "listCohorts",
    "summary": "A coordinator reads the cohorts with their members.",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "OK.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Cohort"
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   },
   "post": {
    "operationId": "createCohort",
    "summary": "A coordinator creates a cohort from a criteria expression or a list of merchants.",
    "security": [
     {
      "bearer": []
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/CohortRequest"
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Created.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Cohort"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "409": {
      "$ref": "#/components/responses/409"
     },
     "413": {
      "$ref": "#/components/responses/413"
     },
     "422": {
      "$ref": "#/components/responses/422"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    },
    "parameters": [
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "pattern": "^[!-~]{1,200}$"
      },
      "description": "Sending the same request again with the same key gets the first answer (header Idempotent-Replayed: true) without doing it twice; the same key with another request is refused with 409. Kept a day."
     }
    ]
   }
  },
  "/v1/cohorts/{cohort}": {
   "get": {
    "operationId": "showCohort",
    "summary": "A coordinator reads one cohort.",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "cohort",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "A cohort's name."
     }
    ],
    "responses": {
     "200": {
      "description": "OK.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Cohort"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   }
  },
  "/v1/protocols/{protocol}/history": {
   "get": {
    "operationId": "protocolHistory",
    "summary": "A protocol's versions and amendments.",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "protocol",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "A protocol's id, e.g. click-collect-2027."
     }
    ],
    "responses": {
     "200": {
      "description": "OK.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/ProtocolVersion"
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   }
  },
  "/v1/protocols/{protocol}/consent-events": {
   "get": {
    "operationId": "consentEvents",
    "summary": "The consent ledger, event by event: all of it for a coordinator, their own for a merchant.",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "protocol",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "A protocol's id, e.g. click-collect-2027."
     },
     {
      "name": "merchant",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Only this merchant's events."
     }
    ],
    "responses": {
     "200": {
      "description": "OK.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/ConsentEvent"
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   }
  },
  "/v1/shocks": {
   "get": {
    "operationId": "listShocks",
    "summary": "Dated events on the street (tram works, strikes, holidays).",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "OK.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Shock"
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   },
   "post": {
    "operationId": "recordShock",
    "summary": "A coordinator records a shock on some street segments.",
    "security": [
     {
      "bearer": []
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ShockRequest"
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Recorded.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Shock"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "409": {
      "$ref": "#/components/responses/409"
     },
     "413": {
      "$ref": "#/components/responses/413"
     },
     "422": {
      "$ref": "#/components/responses/422"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    },
    "parameters": [
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "pattern": "^[!-~]{1,200}$"
      },
      "description": "Sending the same request again with the same key gets the first answer (header Idempotent-Replayed: true) without doing it twice; the same key with another request is refused with 409. Kept a day."
     }
    ]
   }
  },
  "/v1/merchants/{merchant}/invitations": {
   "get": {
    "operationId": "invitations",
    "summary": "The trials a merchant is invited to, and what they can do about each now.",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "merchant",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "A merchant's id, e.g. m04."
     }
    ],
    "responses": {
     "200": {
      "description": "OK.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Invitation"
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   }
  },
  "/v1/feedback/{feedback}/answers": {
   "post": {
    "operationId": "answerFeedback",
    "summary": "The firm whose plugin it is about, or a coordinator, answers a piece of feedback.",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "feedback",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The feedback's id, e.g. 3."
     },
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "pattern": "^[!-~]{1,200}$"
      },
      "description": "Sending the same request again with the same key gets the first answer (header Idempotent-Replayed: true) without doing it twice; the same key with another request is refused with 409. Kept a day."
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/AnswerRequest"
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Recorded.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/FeedbackAnswer"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/400"
     },
     "401": {
      "$ref": "#/components/responses/401"
     },
     "403": {
      "$ref": "#/components/responses/403"
     },
     "404": {
      "$ref": "#/components/responses/404"
     },
     "409": {
      "$ref": "#/components/responses/409"
     },
     "413": {
      "$ref": "#/components/responses/413"
     },
     "422": {
      "$ref": "#/components/responses/422"
     },
     "429": {
      "$ref": "#/components/responses/429"
     },
     "503": {
      "$ref": "#/components/responses/503"
     }
    }
   }
  }
 },
 "components": {
  "schemas": {
   "Problem": {
    "type": "object",
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
     "detail": {
      "type": "string"
     },
     "field": {
      "type": "string"
     }
    },
    "required": [
     "type",
     "title",
     "status",
     "detail"
    ]
   },
   "Status": {
    "type": "object",
    "properties": {
     "status": {
      "type": "string"
     }
    },
    "required": [
     "status"
    ]
   },
   "Me": {
    "type": "object",
    "properties": {
     "role": {
      "type": "string",
      "enum": [
       "coordinator",
       "firm",
       "merchant",
       "sponsor"
      ]
     },
     "subject": {
      "type": "string"
     },
     "token": {
      "type": "string"
     }
    },
    "required": [
     "role",
     "token"
    ]
   },
   "Merchant": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "name": {
      "type": "string"
     },
     "sector": {
      "type": "string"
     },
     "segment": {
      "type": "string"
     },
     "positionMetres": {
      "type": "integer"
     },
     "maturity": {
      "type": "integer"
     },
     "association": {
      "type": "string"
     },
     "contact": {
      "type": "string"
     }
    },
    "required": [
     "id",
     "name",
     "sector",
     "segment",
     "positionMetres",
     "maturity"
    ]
   },
   "Enrollment": {
    "type": "object",
    "properties": {
     "merchantID": {
      "type": "string"
     },
     "protocolID": {
      "type": "string"
     },
     "state": {
      "type": "string",
      "enum": [
       "invited",
       "consented",
       "assigned",
       "active",
       "withdrawn",
       "completed"
      ]
     },
     "updatedAt": {
      "type": "string",
      "format": "date-time"
     }
    },
    "required": [
     "merchantID",
     "protocolID",
     "state",
     "updatedAt"
    ]
   },
   "ConsentStatus": {
    "type": "object",
    "properties": {
     "merchantID": {
      "type": "string"
     },
     "protocolID": {
      "type": "string"
     },
     "state": {
      "type": "string",
      "enum": [
       "active",
       "needs-renewal",
       "withdrawn",
       "expired",
       "none"
      ]
     },
     "version": {
      "type": "integer"
     },
     "purposes": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "language": {
      "type": "string"
     },
     "documentSHA256": {
      "type": "string"
     },
     "since": {
      "type": "string",
      "format": "date-time"
     }
    },
    "required": [
     "merchantID",
     "protocolID",
     "state",
     "purposes"
    ]
   },
   "MerchantProfile": {
    "type": "object",
    "properties": {
     "merchant": {
      "$ref": "#/components/schemas/Merchant"
     },
     "sponsors": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "enrollments": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Enrollment"
      }
     },
     "consents": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/ConsentStatus"
      }
     }
    },
    "required": [
     "merchant",
     "sponsors",
     "enrollments",
     "consents"
    ]
   },
   "Protocol": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "title": {
      "type": "string"
     },
     "hypothesis": {
      "type": "string"
     },
     "firm": {
      "type": "string"
     },
     "plugin": {
      "type": "string"
     },
     "pluginVersions": {
      "type": "string"
     },
     "state": {
      "type": "string",
      "enum": [
       "draft",
       "approved",
       "running",
       "paused",
       "stopped"
      ]
     },
     "version": {
      "type": "integer"
     },
     "approved": {
      "type": "boolean"
     },
     "arms": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "purposes": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "dataCategories": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "languages": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "onWithdrawal": {
      "type": "string",
      "enum": [
       "keep",
       "anonymise",
       "erase"
      ]
     }
    },
    "required": [
     "id",
     "title",
     "hypothesis",
     "firm",
     "plugin",
     "pluginVersions",
     "state",
     "version",
     "approved",
     "arms",
     "purposes",
     "dataCategories",
     "languages",
     "onWithdrawal"
    ]
   },
   "ConsentDocument": {
    "type": "object",
    "properties": {
     "protocolID": {
      "type": "string"
     },
     "version": {
      "type": "integer"
     },
     "language": {
      "type": "string"
     },
     "text": {
      "type": "string"
     },
     "sha256": {
      "type": "string"
     }
    },
    "required": [
     "protocolID",
     "version",
     "language",
     "text",
     "sha256"
    ]
   },
   "ConsentSummary": {
    "type": "object",
    "properties": {
     "protocolID": {
      "type": "string"
     },
     "counts": {
      "type": "object",
      "additionalProperties": {
       "type": "integer"
      }
     }
    },
    "required": [
     "protocolID",
     "counts"
    ]
   },
   "ConsentRequest": {
    "type": "object",
    "properties": {
     "merchant": {
      "type": "string"
     },
     "language": {
      "type": "string"
     },
     "documentSHA256": {
      "type": "string",
      "description": "The SHA-256 (hex) of the document shown, from GET …/document."
     },
     "purposes": {
      "type": "array",
      "items": {
       "type": "string"
      }
     }
    },
    "required": [
     "merchant",
     "language",
     "documentSHA256"
    ]
   },
   "ConsentEvent": {
    "type": "object",
    "properties": {
     "sequence": {
      "type": "integer"
     },
     "merchantID": {
      "type": "string"
     },
     "protocolID": {
      "type": "string"
     },
     "protocolVersion": {
      "type": "integer"
     },
     "kind": {
      "type": "string",
      "enum": [
       "given",
       "withdrawn",
       "expired",
       "renewed"
      ]
     },
     "purposes": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "documentSHA256": {
      "type": "string"
     },
     "language": {
      "type": "string"
     },
     "at": {
      "type": "string",
      "format": "date-time"
     },
     "channel": {
      "type": "string"
     },
     "recordedBy": {
      "type": "string"
     }
    },
    "required": [
     "merchantID",
     "protocolID",
     "protocolVersion",
     "kind",
     "purposes",
     "documentSHA256",
     "language",
     "at",
     "channel",
     "recordedBy"
    ]
   },
   "WithdrawalRequest": {
    "type": "object",
    "properties": {
     "merchant": {
      "type": "string"
     }
    },
    "required": [
     "merchant"
    ]
   },
   "WithdrawalResult": {
    "type": "object",
    "properties": {
     "merchantID": {
      "type": "string"
     },
     "protocolID": {
      "type": "string"
     },
     "at": {
      "type": "string",
      "format": "date-time"
     },
     "policy": {
      "type": "string",
      "enum": [
       "keep",
       "anonymise",
       "erase"
      ]
     },
     "outcomesAffected": {
      "type": "integer"
     },
     "pluginEntriesRemoved": {
      "type": "integer"
     },
     "alreadyWithdrawn": {
      "type": "boolean"
     }
    },
    "required": [
     "merchantID",
     "protocolID",
     "at",
     "policy",
     "outcomesAffected",
     "pluginEntriesRemoved",
     "alreadyWithdrawn"
    ]
   },
   "OutcomeRow": {
    "type": "object",
    "properties": {
     "merchant": {
      "type": "string"
     },
     "metric": {
      "type": "string"
     },
     "value": {
      "type": "number"
     },
     "unit": {
      "type": "string"
     },
     "at": {
      "type": "string",
      "format": "date-time"
     },
     "key": {
      "type": "string",
      "description": "Idempotency key: the same row sent again stores nothing twice."
     },
     "source": {
      "type": "string"
     }
    },
    "required": [
     "merchant",
     "metric",
     "value",
     "at",
     "key"
    ]
   },
   "OutcomeBatch": {
    "type": "object",
    "properties": {
     "outcomes": {
      "type": "array",
      "maxItems": 1000,
      "items": {
       "$ref": "#/components/schemas/OutcomeRow"
      }
     }
    },
    "required": [
     "outcomes"
    ]
   },
   "OutcomeRowResult": {
    "type": "object",
    "properties": {
     "key": {
      "type": "string"
     },
     "result": {
      "type": "string",
      "enum": [
       "stored",
       "already-stored",
       "conflict",
       "refused"
      ]
     },
     "reason": {
      "type": "string"
     },
     "storedValue": {
      "type": "number"
     }
    },
    "required": [
     "key",
     "result"
    ]
   },
   "OutcomeBatchResult": {
    "type": "object",
    "properties": {
     "stored": {
      "type": "integer"
     },
     "alreadyStored": {
      "type": "integer"
     },
     "conflicts": {
      "type": "integer"
     },
     "refused": {
      "type": "integer"
     },
     "results": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/OutcomeRowResult"
      }
     }
    },
    "required": [
     "stored",
     "alreadyStored",
     "conflicts",
     "refused",
     "results"
    ]
   },
   "FeedbackRequest": {
    "type": "object",
    "properties": {
     "plugin": {
      "type": "string"
     },
     "text": {
      "type": "string"
     },
     "rating": {
      "type": "integer",
      "minimum": 1,
      "maximum": 5
     }
    },
    "required": [
     "plugin",
     "text"
    ]
   },
   "Feedback": {
    "type": "object",
    "properties": {
     "id": {
      "type": "integer"
     },
     "authorKind": {
      "type": "string",
      "enum": [
       "merchant",
       "sponsor"
      ]
     },
     "authorID": {
      "type": "string"
     },
     "pluginID": {
      "type": "string"
     },
     "text": {
      "type": "string"
     },
     "rating": {
      "type": "integer"
     },
     "at": {
      "type": "string",
      "format": "date-time"
     }
    },
    "required": [
     "authorKind",
     "authorID",
     "pluginID",
     "text",
     "at"
    ]
   },
   "EnrollmentRequest": {
    "type": "object",
    "properties": {
     "cohort": {
      "type": "string"
     },
     "merchants": {
      "type": "array",
      "items": {
       "type": "string"
      }
     }
    },
    "required": []
   },
   "AssignmentRequest": {
    "type": "object",
    "properties": {
     "design": {
      "type": "string"
     },
     "seed": {
      "type": "integer",
      "minimum": 0
     },
     "overrideReason": {
      "type": "string"
     }
    },
    "required": []
   },
   "Assignment": {
    "type": "object",
    "properties": {
     "protocolID": {
      "type": "string"
     },
     "design": {
      "type": "string"
     },
     "seed": {
      "type": "integer"
     },
     "draws": {
      "type": "integer"
     },
     "assignments": {
      "type": "array",
      "items": {
       "type": "object",
       "properties": {
        "merchant": {
         "type": "string"
        },
        "arm": {
         "type": "string"
        }
       },
       "required": [
        "merchant",
        "arm"
       ]
      }
     }
    },
    "required": [
     "protocolID",
     "design",
     "seed",
     "draws",
     "assignments"
    ]
   },
   "TrialStateRequest": {
    "type": "object",
    "properties": {
     "state": {
      "type": "string",
      "enum": [
       "running",
       "paused",
       "stopped"
      ]
     }
    },
    "required": [
     "state"
    ]
   },
   "TrialChange": {
    "type": "object",
    "properties": {
     "protocolID": {
      "type": "string"
     },
     "state": {
      "type": "string",
      "enum": [
       "draft",
       "approved",
       "running",
       "paused",
       "stopped"
      ]
     },
     "merchants": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "plugin": {
      "type": "string"
     },
     "activated": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "refused": {
      "type": "object",
      "additionalProperties": {
       "type": "string"
      }
     }
    },
    "required": [
     "protocolID",
     "state",
     "merchants",
     "activated",
     "refused"
    ]
   },
   "AuditVerification": {
    "type": "object",
    "properties": {
     "entriesChecked": {
      "type": "integer"
     },
     "firstBrokenSequence": {
      "type": "integer"
     },
     "problem": {
      "type": "string"
     }
    },
    "required": [
     "entriesChecked"
    ]
   },
   "Report": {
    "type": "object",
    "description": "The trial report (aggregates for coordinators and the firm; a merchant's own figures for a merchant)."
   },
   "PluginRequest": {
    "type": "object",
    "properties": {
     "action": {
      "type": "string"
     }
    },
    "required": [
     "action"
    ],
    "description": "The plugin's request; `action` names what to do."
   },
   "PluginAnswer": {
    "description": "The plugin's answer, as JSON."
   },
   "Cohort": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string"
     },
     "criteria": {
      "type": "string"
     },
     "merchantIDs": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "createdAt": {
      "type": "string",
      "format": "date-time"
     }
    },
    "required": [
     "name",
     "merchantIDs",
     "createdAt"
    ]
   },
   "CohortRequest": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string"
     },
     "where": {
      "type": "string"
     },
     "merchants": {
      "type": "array",
      "items": {
       "type": "string"
      }
     }
    },
    "required": [
     "name"
    ]
   },
   "ProtocolApplyRequest": {
    "type": "object",
    "properties": {
     "yaml": {
      "type": "string",
      "description": "The protocol as YAML, as in Examples/bordeaux/protocols."
     },
     "documents": {
      "type": "object",
      "additionalProperties": {
       "type": "string"
      },
      "description": "The consent documents' texts by language: one for each document the YAML names."
     },
     "reason": {
      "type": "string",
      "description": "Why the protocol changes (required for an amendment)."
     }
    },
    "required": [
     "yaml",
     "documents"
    ]
   },
   "ProtocolChange": {
    "type": "object",
    "properties": {
     "field": {
      "type": "string"
     },
     "before": {
      "type": "string"
     },
     "after": {
      "type": "string"
     },
     "material": {
      "type": "boolean"
     }
    },
    "required": [
     "field",
     "before",
     "after",
     "material"
    ]
   },
   "ProtocolApplyResult": {
    "type": "object",
    "properties": {
     "kind": {
      "type": "string",
      "enum": [
       "created",
       "amended",
       "unchanged"
      ]
     },
     "protocolID": {
      "type": "string"
     },
     "version": {
      "type": "integer"
     },
     "material": {
      "type": "boolean"
     },
     "changes": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/ProtocolChange"
      }
     }
    },
    "required": [
     "kind",
     "protocolID",
     "version",
     "material",
     "changes"
    ]
   },
   "ProtocolVersion": {
    "type": "object",
    "properties": {
     "version": {
      "type": "integer"
     },
     "createdAt": {
      "type": "string",
      "format": "date-time"
     },
     "material": {
      "type": "boolean"
     },
     "approvedAt": {
      "type": "string",
      "format": "date-time"
     },
     "reason": {
      "type": "string"
     },
     "documentSHA256": {
      "type": "object",
      "additionalProperties": {
       "type": "string"
      }
     }
    },
    "required": [
     "version",
     "createdAt",
     "material",
     "documentSHA256"
    ]
   },
   "Shock": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "kind": {
      "type": "string"
     },
     "segments": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "period": {
      "type": "object",
      "properties": {
       "start": {
        "type": "string",
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
       },
       "end": {
        "type": "string",
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
       }
      },
      "required": [
       "start",
       "end"
      ]
     },
     "description": {
      "type": "string"
     }
    },
    "required": [
     "id",
     "kind",
     "segments",
     "period",
     "description"
    ]
   },
   "ShockRequest": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "kind": {
      "type": "string"
     },
     "segments": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "start": {
      "type": "string",
      "description": "The first day, YYYY-MM-DD."
     },
     "end": {
      "type": "string",
      "description": "The last day, YYYY-MM-DD."
     },
     "description": {
      "type": "string"
     }
    },
    "required": [
     "id",
     "kind",
     "segments",
     "start",
     "end"
    ]
   },
   "Invitation": {
    "type": "object",
    "properties": {
     "protocolID": {
      "type": "string"
     },
     "title": {
      "type": "string"
     },
     "plugin": {
      "type": "string"
     },
     "firm": {
      "type": "string"
     },
     "trialState": {
      "type": "string",
      "enum": [
       "draft",
       "approved",
       "running",
       "paused",
       "stopped"
      ]
     },
     "enrollment": {
      "type": "string",
      "enum": [
       "invited",
       "consented",
       "assigned",
       "active",
       "withdrawn",
       "completed"
      ]
     },
     "consent": {
      "type": "string",
      "enum": [
       "active",
       "needs-renewal",
       "withdrawn",
       "expired",
       "none"
      ]
     },
     "version": {
      "type": "integer"
     },
     "approved": {
      "type": "boolean"
     },
     "languages": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "action": {
      "type": "string",
      "enum": [
       "consent",
       "renew",
       "withdraw"
      ],
      "description": "What the merchant can do now; absent when nothing."
     }
    },
    "required": [
     "protocolID",
     "title",
     "plugin",
     "firm",
     "trialState",
     "enrollment",
     "consent",
     "version",
     "approved",
     "languages"
    ]
   },
   "FeedbackAnswer": {
    "type": "object",
    "properties": {
     "id": {
      "type": "integer"
     },
     "feedbackID": {
      "type": "integer"
     },
     "authorKind": {
      "type": "string",
      "enum": [
       "firm",
       "coordinator"
      ]
     },
     "authorID": {
      "type": "string"
     },
     "text": {
      "type": "string"
     },
     "at": {
      "type": "string",
      "format": "date-time"
     }
    },
    "required": [
     "feedbackID",
     "authorKind",
     "authorID",
     "text",
     "at"
    ]
   },
   "FeedbackThread": {
    "type": "object",
    "properties": {
     "id": {
      "type": "integer"
     },
     "pluginID": {
      "type": "string"
     },
     "authorKind": {
      "type": "string",
      "enum": [
       "merchant",
       "sponsor"
      ]
     },
     "authorID": {
      "type": "string",
      "description": "Withheld from firms."
     },
     "text": {
      "type": "string"
     },
     "rating": {
      "type": "integer"
     },
     "at": {
      "type": "string",
      "format": "date-time"
     },
     "answers": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/FeedbackAnswer"
      }
     }
    },
    "required": [
     "id",
     "pluginID",
     "authorKind",
     "text",
     "at",
     "answers"
    ]
   },
   "AnswerRequest": {
    "type": "object",
    "properties": {
     "text": {
      "type": "string"
     }
    },
    "required": [
     "text"
    ]
   }
  },
  "responses": {
   "400": {
    "description": "The request is malformed: `detail` says what to fix, `field` which field.",
    "content": {
     "application/problem+json": {
      "schema": {
       "$ref": "#/components/schemas/Problem"
      }
     }
    }
   },
   "401": {
    "description": "No valid token: none, unknown, expired or revoked.",
    "content": {
     "application/problem+json": {
      "schema": {
       "$ref": "#/components/schemas/Problem"
      }
     }
    }
   },
   "403": {
    "description": "The caller's role may not do this.",
    "content": {
     "application/problem+json": {
      "schema": {
       "$ref": "#/components/schemas/Problem"
      }
     }
    }
   },
   "404": {
    "description": "No such resource that the caller may see.",
    "content": {
     "application/problem+json": {
      "schema": {
       "$ref": "#/components/schemas/Problem"
      }
     }
    }
   },
   "409": {
    "description": "The request clashes with what is stored.",
    "content": {
     "application/problem+json": {
      "schema": {
       "$ref": "#/components/schemas/Problem"
      }
     }
    }
   },
   "413": {
    "description": "The body is larger than 1 MiB, or a batch holds more than 1000 outcomes.",
    "content": {
     "application/problem+json": {
      "schema": {
       "$ref": "#/components/schemas/Problem"
      }
     }
    }
   },
   "422": {
    "description": "A lab rule refuses the request.",
    "content": {
     "application/problem+json": {
      "schema": {
       "$ref": "#/components/schemas/Problem"
      }
     }
    }
   },
   "429": {
    "description": "Too many requests from this caller: see Retry-After.",
    "content": {
     "application/problem+json": {
      "schema": {
       "$ref": "#/components/schemas/Problem"
      }
     }
    },
    "headers": {
     "Retry-After": {
      "schema": {
       "type": "integer"
      },
      "description": "Seconds to wait."
     }
    }
   },
   "503": {
    "description": "The lab cannot answer now: try again.",
    "content": {
     "application/problem+json": {
      "schema": {
       "$ref": "#/components/schemas/Problem"
      }
     }
    },
    "headers": {
     "Retry-After": {
      "schema": {
       "type": "integer"
      },
      "description": "Seconds to wait."
     }
    }
   }
  },
  "securitySchemes": {
   "bearer": {
    "type": "http",
    "scheme": "bearer",
    "description": "A token from `livinglab token create`."
   }
  }
 }
}
"""#
}
