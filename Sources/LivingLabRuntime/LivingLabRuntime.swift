// LivingLabRuntime
