/// The tool's version, shown by `selfhost --version`.
public enum SelfhostVersion {
    public static let current = "0.1.0"
}
