// LivingLabCore
