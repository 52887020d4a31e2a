/*
 * visit_counter.c — a LivingLab plugin in plain C: counts shop visits.
 *
 *   cc -shared -fPIC -I ../../SDK/Sources/LivingLabPluginABI/include -o libVisitCounter.so visit_counter.c
 *
 * Requests (JSON):
 *   {"action": "visit", "visit_id": "v1"}                 count a visit, log the "visits" outcome
 *   {"action": "visit", "visit_id": "v2", "merchant": "X"} the same, about another merchant
 *                                                          (the consent gate decides)
 *   {"action": "whoami"}                                   the merchant's fields and arm configuration
 *
 * A host call's status is passed back as the plugin's own status, so a consent denial
 * (LIVINGLAB_DENIED_*) reaches the caller with its reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "livinglab_plugin.h"

static const char manifest[] =
    "{\"id\": \"org.livinglab.example.visitcounter\", \"version\": \"1.0.0\","
    " \"firm\": \"livinglab-examples\", \"name\": \"Visit counter\","
    " \"summary\": \"Counts visits to a shop.\", \"abi_version\": 1,"
    " \"capabilities\": [\"requests\", \"outcomes\", \"storage\"],"
    " \"metrics\": [{\"name\": \"visits\", \"unit\": \"count\", \"direction\": \"increase\"}],"
    " \"data_categories\": []}";

typedef struct counter {
    const livinglab_host *host; /* valid until destroy */
} counter;

/* Copies the string value of "key" in a flat JSON object into out; 0 if absent. */
static int json_string(const char *json, const char *key, char *out, size_t size) {
    char pattern[128];
    snprintf(pattern, sizeof pattern, "\"%s\"", key);
    const char *at = strstr(json, pattern);
    if (at == NULL) return 0;
    at += strlen(pattern);
    while (*at == ' ' || *at == ':') at++;
    if (*at != '"') return 0;
    at++;
    size_t length = 0;
    while (at[length] != '\0' && at[length] != '"' && length + 1 < size) {
        out[length] = at[length];
        length++;
    }
    out[length] = '\0';
    return 1;
}

static char *copy(const char *text) {
    char *result = malloc(strlen(text) + 1);
    if (result != NULL) strcpy(result, text);
    return result;
}

/* Returns a host status as ours, moving the host's message into a plugin-owned one. */
static int32_t pass_on(const livinglab_host *host, int32_t status, char *host_message, char **message) {
    *message = copy(host_message != NULL ? host_message : "a host call failed");
    host->free(host_message);
    return status;
}

static int32_t create(const livinglab_plugin *plugin, const livinglab_host *host, const char *configuration,
                      void **instance, char **message) {
    (void)plugin;
    (void)configuration;
    counter *self = calloc(1, sizeof *self);
    if (self == NULL) {
        *message = copy("out of memory");
        return LIVINGLAB_INTERNAL;
    }
    self->host = host;
    *instance = self;
    return LIVINGLAB_OK;
}

static int32_t activate(void *instance, const char *merchant, const char *fields, const char *arm,
                        const char *arm_configuration, char **message) {
    (void)fields;
    (void)arm_configuration;
    (void)message;
    counter *self = instance;
    char line[256];
    snprintf(line, sizeof line, "counting visits for %s (arm %s)", merchant, arm);
    self->host->log(self->host->context, LIVINGLAB_LOG_INFO, line);
    return LIVINGLAB_OK;
}

static int32_t visit(counter *self, const char *merchant, const char *request, char **response, char **message) {
    const livinglab_host *host = self->host;
    char visit_id[128];
    if (!json_string(request, "visit_id", visit_id, sizeof visit_id)) {
        *message = copy("a visit needs a \"visit_id\" string");
        return LIVINGLAB_INVALID;
    }
    char *value = NULL, *host_message = NULL;
    long visits = 0;
    int32_t status = host->storage_get(host->context, merchant, "visits", &value, &host_message);
    if (status == LIVINGLAB_OK) {
        visits = strtol(value, NULL, 10);
        host->free(value);
    } else if (status != LIVINGLAB_NOT_FOUND) {
        return pass_on(host, status, host_message, message);
    }
    host->free(host_message);
    host_message = NULL;

    char text[64];
    snprintf(text, sizeof text, "%ld", visits + 1);
    status = host->storage_set(host->context, merchant, "visits", text, &host_message);
    if (status != LIVINGLAB_OK) return pass_on(host, status, host_message, message);

    char outcome[512];
    snprintf(outcome, sizeof outcome,
             "{\"merchant\": \"%s\", \"metric\": \"visits\", \"value\": 1, \"unit\": \"count\","
             " \"idempotency_key\": \"%s\"}",
             merchant, visit_id);
    status = host->log_outcome(host->context, outcome, &host_message);
    if (status != LIVINGLAB_OK) return pass_on(host, status, host_message, message);

    char answer[64];
    snprintf(answer, sizeof answer, "{\"visits\": %ld}", visits + 1);
    *response = copy(answer);
    return LIVINGLAB_OK;
}

static int32_t whoami(counter *self, const char *merchant, char **response, char **message) {
    const livinglab_host *host = self->host;
    char *fields = NULL, *configuration = NULL, *host_message = NULL;
    int32_t status = host->merchant_fields(host->context, merchant, &fields, &host_message);
    if (status != LIVINGLAB_OK) return pass_on(host, status, host_message, message);
    status = host->arm_configuration(host->context, merchant, &configuration, &host_message);
    if (status != LIVINGLAB_OK) {
        host->free(fields);
        return pass_on(host, status, host_message, message);
    }
    size_t size = strlen(fields) + strlen(configuration) + 64;
    char *answer = malloc(size);
    if (answer != NULL) snprintf(answer, size, "{\"fields\": %s, \"configuration\": %s}", fields, configuration);
    host->free(fields);
    host->free(configuration);
    if (answer == NULL) {
        *message = copy("out of memory");
        return LIVINGLAB_INTERNAL;
    }
    *response = answer;
    return LIVINGLAB_OK;
}

static int32_t handle(void *instance, const char *merchant, const char *request, char **response, char **message) {
    counter *self = instance;
    char action[64], about[128];
    if (!json_string(request, "action", action, sizeof action)) {
        *message = copy("the request has no \"action\"");
        return LIVINGLAB_INVALID;
    }
    /* A request may name another merchant: the host's consent gate, not this plugin, decides. */
    const char *target = json_string(request, "merchant", about, sizeof about) ? about : merchant;
    if (strcmp(action, "visit") == 0) return visit(self, target, request, response, message);
    if (strcmp(action, "whoami") == 0) return whoami(self, target, response, message);
    *message = copy("unknown action: use \"visit\" or \"whoami\"");
    return LIVINGLAB_INVALID;
}

static int32_t deactivate(void *instance, const char *merchant, char **message) {
    (void)instance;
    (void)merchant;
    (void)message;
    return LIVINGLAB_OK;
}

static void destroy(void *instance) { free(instance); }

static void release(void *buffer) { free(buffer); }

static const livinglab_plugin descriptor = {
    .magic = LIVINGLAB_PLUGIN_MAGIC,
    .abi_version = LIVINGLAB_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(livinglab_plugin),
    .manifest_json = manifest,
    .free = release,
    .create = create,
    .activate = activate,
    .handle = handle,
    .deactivate = deactivate,
    .destroy = destroy,
};

const livinglab_plugin *livinglab_plugin_entry(void) { return &descriptor; }
