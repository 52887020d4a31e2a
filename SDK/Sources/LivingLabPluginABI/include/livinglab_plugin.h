/*
 * livinglab_plugin.h — the C boundary between a LivingLab host and a solution plugin.
 *
 * A plugin is a shared library that exports ONE symbol:
 *
 *     const livinglab_plugin *livinglab_plugin_entry(void);
 *
 * It returns a descriptor (a table of the plugin's functions) that lives as long as the
 * library. The host checks the descriptor's magic, ABI version and struct size before it
 * calls anything else, then reads the manifest, then drives the lifecycle:
 *
 *     create(host table, plugin configuration)      -> instance
 *       activate(instance, merchant, allowed fields, arm, arm configuration)
 *       handle(instance, merchant, request)          -> response
 *       deactivate(instance, merchant)
 *     destroy(instance)
 *
 * Rules
 *   - All text is NUL-terminated UTF-8; structured data is JSON.
 *   - Ownership: a buffer is freed by the side that allocated it. Buffers the plugin hands
 *     out (responses, messages) are freed by the host with the plugin's `free`; buffers the
 *     host hands out are freed by the plugin with the host's `free`. Input pointers are
 *     borrowed for the duration of the call only: copy what you keep.
 *   - Errors are a status code plus an optional message, never a crash or an exception
 *     unwinding across this boundary.
 *   - The host calls one instance from one thread at a time. Call host functions only
 *     while the host is inside one of your functions (create, activate, handle, deactivate),
 *     on the thread it called you on: an isolated host answers them over a pipe.
 *   - The host never unloads the library (no dlclose).
 *   - Tables only grow at their end. `struct_size` says how much of a table the builder
 *     knew about: read no field past it. A newer host runs an older plugin that way.
 */
#ifndef LIVINGLAB_PLUGIN_H
#define LIVINGLAB_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI this header describes. A host refuses a descriptor carrying another one. */
#define LIVINGLAB_PLUGIN_ABI_VERSION 1

/* First field of the descriptor: "LLAB". Tells a LivingLab plugin from a stray symbol. */
#define LIVINGLAB_PLUGIN_MAGIC 0x4C4C4142u

/* ---- Status codes: returned by every plugin and host function that can fail. ---- */
#define LIVINGLAB_OK        0
#define LIVINGLAB_INVALID   1   /* malformed JSON, missing field, unknown action */
#define LIVINGLAB_NOT_FOUND 2   /* no such key, order, slot... */
#define LIVINGLAB_INTERNAL  3   /* anything else; the message says what */

/* 100-199: the consent gate denied a host call (invariant 7). The host counts every
 * denial. Codes may be appended; treat an unknown code in this range as a denial. */
#define LIVINGLAB_DENIED                100 /* denied, no more specific reason */
#define LIVINGLAB_DENIED_NOT_CONSENTED  101 /* the merchant has not consented */
#define LIVINGLAB_DENIED_WITHDRAWN      102 /* the merchant withdrew consent */
#define LIVINGLAB_DENIED_NOT_ENROLLED   103 /* the merchant is not enrolled in a trial */
#define LIVINGLAB_DENIED_CONTROL_ARM    104 /* the merchant is in the control arm */
#define LIVINGLAB_DENIED_OTHER_TRIAL    105 /* the merchant is in a trial of another plugin */
#define LIVINGLAB_DENIED_CATEGORY       106 /* the data category is not allowed */
#define LIVINGLAB_DENIED_NOT_ACTIVE     107 /* the plugin is not active for the merchant */
#define LIVINGLAB_DENIED_EXPIRED        108 /* the merchant's consent expired */
#define LIVINGLAB_DENIED_RENEWAL_NEEDED 109 /* a material amendment needs the merchant's renewed consent */
#define LIVINGLAB_DENIED_PURPOSE        110 /* the consent does not cover the purpose of the call */
#define LIVINGLAB_IS_DENIED(status) ((status) >= 100 && (status) < 200)

/* ---- Log levels for livinglab_host.log. ---- */
#define LIVINGLAB_LOG_DEBUG   0
#define LIVINGLAB_LOG_INFO    1
#define LIVINGLAB_LOG_WARNING 2
#define LIVINGLAB_LOG_ERROR   3

/*
 * The host function table, handed to create(). Keep the pointer: it stays valid until
 * destroy() returns. Pass `context` back as the first argument of every function.
 *
 * `message` out-parameters may be NULL when you don't want the message; when set, the
 * host stores a string there (or NULL) that you free with `free`.
 *
 * Every function naming a merchant goes through the consent gate and may return a
 * LIVINGLAB_DENIED_* code. An empty merchant id ("") in the storage functions means
 * plugin-wide storage, shared by all merchants.
 */
typedef struct livinglab_host {
    uint32_t abi_version;   /* LIVINGLAB_PLUGIN_ABI_VERSION of the host */
    uint32_t struct_size;   /* sizeof(livinglab_host) as the host built it */
    void *context;          /* opaque; the first argument of every function below */

    /* Frees a buffer the host returned (values, messages). NULL is accepted. */
    void (*free)(void *buffer);

    /* Records an outcome. outcome_json:
     *   {"merchant": "M1", "metric": "orders", "value": 1,
     *    "unit": "count",                     (optional; must be the declared unit)
     *    "at": "2026-05-04T10:00:00Z",        (optional; default: host clock)
     *    "idempotency_key": "order-42"}       (same key again = same outcome, stored once)
     * The metric must be one the manifest declares; otherwise LIVINGLAB_INVALID. */
    int32_t (*log_outcome)(void *context, const char *outcome_json, char **message);

    /* The allowed fields of an active merchant, as a JSON object of strings:
     * {"sector": "bakery", "segment": "north"}. Free *fields_json with `free`. */
    int32_t (*merchant_fields)(void *context, const char *merchant_id,
                               char **fields_json, char **message);

    /* The configuration of the merchant's arm, as JSON. Free with `free`. */
    int32_t (*arm_configuration)(void *context, const char *merchant_id,
                                 char **configuration_json, char **message);

    /* Per-plugin key-value storage; values are JSON texts. A missing key returns
     * LIVINGLAB_NOT_FOUND and sets *value_json to NULL. Free *value_json with `free`. */
    int32_t (*storage_get)(void *context, const char *merchant_id, const char *key,
                           char **value_json, char **message);
    int32_t (*storage_set)(void *context, const char *merchant_id, const char *key,
                           const char *value_json, char **message);
    int32_t (*storage_delete)(void *context, const char *merchant_id, const char *key,
                              char **message);

    /* Writes a line to the host's log, tagged with the plugin id. */
    void (*log)(void *context, int32_t level, const char *message);

    /* The host's current time in milliseconds since 1970-01-01T00:00:00Z. Use it instead
     * of the system clock: a simulation runs the lab on simulated time. */
    int64_t (*now_ms)(void *context);

    /* New host functions are appended here, after checking struct_size. */
} livinglab_host;

/*
 * The plugin descriptor, returned by livinglab_plugin_entry(). It and its manifest string
 * are owned by the plugin and stay valid for the life of the process.
 *
 * Functions taking `char **message` store a string there on failure (or NULL), allocated by
 * the plugin and freed by the host with the descriptor's `free`. `message` is never NULL.
 */
typedef struct livinglab_plugin {
    uint32_t magic;         /* LIVINGLAB_PLUGIN_MAGIC */
    uint32_t abi_version;   /* LIVINGLAB_PLUGIN_ABI_VERSION the plugin was built for */
    uint32_t struct_size;   /* sizeof(livinglab_plugin) as the plugin built it */
    uint32_t reserved;      /* 0 */

    /* The manifest, a JSON object:
     *   "id"              reverse-DNS id, non-empty: "com.example.stampcard"
     *   "version"         semantic version of the plugin: "1.4.0"
     *   "firm"            the firm that ships it: "Example SAS"
     *   "name"            a human name: "Stamp card"
     *   "summary"         one sentence (optional)
     *   "abi_version"     must equal abi_version above
     *   "capabilities"    strings, e.g. ["requests", "outcomes", "storage"]
     *   "metrics"         the outcomes it logs, names unique:
     *                     [{"name": "orders", "unit": "count", "direction": "increase"}]
     *                     direction: "increase" or "decrease" = which way is better
     *   "data_categories" merchant data it needs, e.g. ["contact", "opening_hours"]
     */
    const char *manifest_json;

    /* Frees a buffer the plugin returned (responses, messages). NULL is accepted. */
    void (*free)(void *buffer);

    /* Opaque to the host; for the plugin's own use (the Swift SDK keeps its type here). */
    void *plugin_data;

    /* Makes an instance. `plugin` is this descriptor. configuration_json is the plugin's
     * configuration ("{}" when none). On success store the instance in *instance. */
    int32_t (*create)(const struct livinglab_plugin *plugin, const livinglab_host *host,
                      const char *configuration_json, void **instance, char **message);

    /* Starts serving a merchant. fields_json: JSON object of the fields the merchant's
     * consent allows; arm: the arm's name; arm_configuration_json: the arm's configuration. */
    int32_t (*activate)(void *instance, const char *merchant_id, const char *fields_json,
                        const char *arm, const char *arm_configuration_json, char **message);

    /* Handles a request for an active merchant. request_json:
     *   {"action": "place_order", "at": "2026-05-04T10:00:00Z" (optional), ...body}
     * On success store a JSON response in *response_json (freed with `free`). */
    int32_t (*handle)(void *instance, const char *merchant_id, const char *request_json,
                      char **response_json, char **message);

    /* Stops serving a merchant (consent withdrawn, trial stopped). */
    int32_t (*deactivate)(void *instance, const char *merchant_id, char **message);

    /* Releases the instance. No call on it follows. */
    void (*destroy)(void *instance);

    /* New plugin functions are appended here; the host reads them only if struct_size
     * covers them. */
} livinglab_plugin;

/* The one exported symbol. */
const livinglab_plugin *livinglab_plugin_entry(void);

#ifdef __cplusplus
}
#endif

#endif /* LIVINGLAB_PLUGIN_H */
