// LivingLabAnalysis
