/// A YAML document reduced to plain values. The build plugin turns every shipped catalog file
/// into one of these as Swift code, so the binary decodes its catalog without parsing YAML at run
/// time: loading the catalog costs about as much as starting the process.
public enum TreeValue: Sendable {
    case null
    /// Every scalar as written (`16`, `true`, `hello`); the decoder converts on demand.
    case s(String)
    case l([TreeValue])
    case m([(String, TreeValue)])
}
