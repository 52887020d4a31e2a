// LivingLabServer
