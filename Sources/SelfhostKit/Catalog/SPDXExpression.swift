/// Checks an SPDX license expression (`MIT`, `AGPL-3.0-only OR LicenseRef-Enterprise`,
/// `Apache-2.0 WITH LLVM-exception`) against the known identifiers.
public enum SPDXExpression {
    /// The identifiers in `expression` that are neither known nor `LicenseRef-…`.
    public static func unknownIdentifiers(in expression: String, known: Set<String>) -> [String] {
        let tokens = expression.replacingOccurrences(of: "(", with: " ").replacingOccurrences(of: ")", with: " ")
            .split(separator: " ").map(String.init)
        return tokens.filter { token in
            !["AND", "OR", "WITH"].contains(token) && !token.hasPrefix("LicenseRef-")
                && !known.contains(token.hasSuffix("+") ? String(token.dropLast()) : token)
        }
    }
}
