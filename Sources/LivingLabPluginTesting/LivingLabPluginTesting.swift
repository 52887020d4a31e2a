// LivingLabPluginTesting
