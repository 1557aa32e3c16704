import Foundation
import ArgumentParser
import SelfhostKit

/// What the command line got wrong before ArgumentParser sees it, said with a remedy:
/// a misspelt subcommand, `help` of an unknown command, a size split by a space (`10 TB`).
/// Long arguments are shortened in every message.
enum ArgumentHints {
    static var commandNames: [String] { CommandRegistry.all.map { $0._commandName } }

    /// Throws a usage error for a first word that is neither an option nor a command.
    static func checkCommand(_ args: [String]) throws {
        guard let first = args.first, !first.hasPrefix("-") else { return }
        let names = commandNames
        if first == "help" {
            if let topic = args.dropFirst().first(where: { !$0.hasPrefix("-") }), !names.contains(topic) {
                throw SelfhostError.usage("no command '\(TextFit.quoted(topic))' to show help for" + near(topic, names),
                                          remedy: "commands: " + names.joined(separator: ", ") + "; `selfhost --help` lists them")
            }
            return
        }
        guard !names.contains(first) else { return }
        throw SelfhostError.usage("unknown command '\(TextFit.quoted(first))'" + near(first, names),
                                  remedy: "commands: " + names.joined(separator: ", ") + "; `selfhost --help` lists them")
    }

    /// A hint for a rejected command line: `--egress 10 TB` → write `10TB`.
    static func splitSize(_ args: [String]) -> String? {
        let units: Set<String> = ["b", "kb", "mb", "gb", "tb", "pb", "kib", "mib", "gib", "tib", "pib", "k", "m", "g", "t"]
        for (a, b) in zip(args, args.dropFirst()) where units.contains(b.lowercased()) {
            if !a.isEmpty, Double(a) != nil { return "write a size without a space: \(a)\(b), not '\(a) \(b)'" }
        }
        return nil
    }

    /// The message with every over-long argument cut (a 100 KB argument is not echoed back whole).
    static func shorten(_ message: String, args: [String]) -> String {
        var m = message
        for a in Set(args) where a.count > 80 && m.contains(a) {
            m = m.replacingOccurrences(of: a, with: TextFit.quoted(a))
        }
        if m.count > 2000 { m = String(m.prefix(2000)) + "… (message cut)" }
        return m
    }

    static func near(_ input: String, _ names: [String]) -> String {
        Suggestions.didYouMean(input, in: names).map { "; \($0)" } ?? ""
    }
}
