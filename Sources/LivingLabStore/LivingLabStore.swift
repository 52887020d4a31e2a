// LivingLabStore
