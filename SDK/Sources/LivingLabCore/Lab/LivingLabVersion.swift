/// The version of LivingLab (the lab and its SDK are released together under one number).
public enum LivingLabVersion {
    /// The current version: `livinglab --version` prints it, and `livinglab plugin new` writes it as the SDK version
    /// a new plugin package depends on.
    public static let current = "0.9.0"
}
