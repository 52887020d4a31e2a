// LivingLabPluginKit
