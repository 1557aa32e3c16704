import ArgumentParser
import Foundation
import SelfhostKit

@main
struct Selfhost: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selfhost",
        abstract: "Move from SaaS to self-hosted open source on one big server.",
        discussion: """
            Examples:
              selfhost recommend mailchimp
              selfhost catalog list --category web-analytics
              selfhost render umami listmonk --domain example.com --out deploy/
              selfhost preflight --domain example.com --server-ip 127.0.0.10 --apps umami
              selfhost cost --egress 10TB
              selfhost lint deploy/
              selfhost status --watch

            Exit status: 0 success, 1 problems found, 2 usage or input error.
            Shell completions: selfhost --generate-completion-script bash|zsh|fish
            """,
        version: SelfhostVersion.current,
        subcommands: CommandRegistry.all
    )

    /// Runs the command and maps every failure to the documented exit codes:
    /// usage and input errors exit 2 (ArgumentParser's default would be 64).
    static func main() async {
        do {
            var command = try parseAsRoot(Status.preprocessIfStatus(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as SelfhostError {
            CLI.report(error)
            if CLI.wantsJSON { CLI.reportJSON(error) }
            Foundation.exit(error.status.rawValue)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            if exitCode(for: error) == .validationFailure {
                CLI.stderr.write(fullMessage(for: error) + "\n")
                if CLI.wantsJSON { CLI.reportJSON(SelfhostError.usage(message(for: error))) }
                Foundation.exit(ExitStatus.usage.rawValue)
            }
            exit(withError: error)  // --help, --version, completions
        }
    }
}
