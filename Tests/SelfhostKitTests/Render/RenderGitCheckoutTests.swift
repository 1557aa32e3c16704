import Foundation
import Testing
@testable import SelfhostKit

/// A box kept in git: render writes a `.gitignore` (every app's `.env` stays out) and an
/// `.env.example` per app (the names, no values), and the README's CI recipe, run exactly as
/// printed on a fresh clone, lints clean.
@Suite("Render: secrets out of git, the README's CI recipe on a checkout")
struct RenderGitCheckoutTests {
    static let apps = ["umami", "listmonk", "gitea"]

    @Test(".gitignore keeps every app's .env out; .env.example lists the .env's names without values")
    func files() throws {
        let out = try TestSupport.tempDirectory("render-git").appendingPathComponent("box")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        try RenderTestSupport.render(Self.apps, out: out)
        let ignore = try String(contentsOf: out.appendingPathComponent(".gitignore"), encoding: .utf8)
        #expect(ignore.split(separator: "\n").contains("*/.env"))
        for app in Self.apps {
            let env = RenderEnvFile.values(in: try String(contentsOf: out.appendingPathComponent("\(app)/.env"), encoding: .utf8))
            let example = RenderEnvFile.values(in: try String(contentsOf: out.appendingPathComponent("\(app)/.env.example"), encoding: .utf8))
            let names = Set(example.keys), expected = Set(env.keys)
            #expect(names == expected, "\(app)")
            let valued = example.filter { !$0.value.isEmpty }.map(\.key)
            #expect(valued.isEmpty, "\(app): .env.example must hold no values: \(valued)")
        }

        // A line a person adds to .gitignore stays; a missing line of ours comes back; no "skipped".
        try (ignore.replacingOccurrences(of: "*/.env\n", with: "") + "node_modules/\n")
            .write(to: out.appendingPathComponent(".gitignore"), atomically: true, encoding: .utf8)
        let (status, text, _) = try RenderTestSupport.render(["umami"], out: out, domain: nil)
        #expect(status == .success, "\(text)")
        let again = try String(contentsOf: out.appendingPathComponent(".gitignore"), encoding: .utf8)
        #expect(again.contains("node_modules/\n") && again.split(separator: "\n").contains("*/.env"), "\(again)")
        #expect(text.contains(".gitignore") && text.contains("added */.env"), "\(text)")
    }

    /// The `run:` lines of the README's GitHub Actions example that call selfhost lint, as printed.
    static func readmeLintCommands() throws -> [String] {
        let readme = try String(contentsOf: TestSupport.repoRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let block = try #require(readme.components(separatedBy: "```yaml\nname: lint-deploy\n").dropFirst().first?.components(separatedBy: "```").first)
        return block.split(separator: "\n").compactMap { line in
            let t = line.trimmingCharacters(in: .whitespaces)
            return t.hasPrefix("run: selfhost lint") ? String(t.dropFirst("run: ".count)) : nil
        }
    }

    static func sh(_ command: String, cwd: URL, path: String) throws -> RenderTestSupport.Result {
        try RenderTestSupport.run("/bin/sh", ["-c", command], cwd: cwd, env: ["PATH": path])
    }

    @Test("the README's CI lint steps, exactly as printed, are clean on a fresh clone without any .env")
    func readmeCIRecipe() throws {
        guard let git = RenderTestSupport.tool("git", package: "git") else { return }
        let commands = try Self.readmeLintCommands()
        #expect(commands == ["selfhost lint --with-external --format github deploy/",
                             "selfhost lint --with-external --format sarif deploy/ > selfhost-lint.sarif || true"],
                "the README's recipe changed: \(commands)")
        let dir = try TestSupport.tempDirectory("render-ci")
        defer { try? FileManager.default.removeItem(at: dir) }
        let repo = dir.appendingPathComponent("repo")
        // Rendered as on the server, with the docker this machine has (systemd-analyze checks ExecStart's binary).
        let (ctx, _, _) = TestSupport.context(cwd: repo, env: ["PATH": "/usr/local/bin:/usr/bin:/bin"])
        let docker = RenderCommand.findOnPath("docker", context: ctx) ?? RenderTestSupport.docker
        _ = try RenderCommand.run(.init(apps: Self.apps, domain: "example.com", out: "deploy", docker: docker), store: .embedded, context: ctx)

        let gitEnv = ["GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                      "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1"]
        for args in [["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "box"]] {
            let r = try RenderTestSupport.run(git, args, cwd: repo, env: gitEnv)
            #expect(r.status == 0, "git \(args): \(r.output)")
        }
        let tracked = try RenderTestSupport.run(git, ["ls-files"], cwd: repo).output.split(separator: "\n").map(String.init)
        for app in Self.apps {
            #expect(!tracked.contains("deploy/\(app)/.env"), "\(app)'s secrets were committed")
            #expect(tracked.contains("deploy/\(app)/.env.example") && tracked.contains("deploy/\(app)/compose.yaml"))
        }
        let checkout = dir.appendingPathComponent("checkout")
        let clone = try RenderTestSupport.run(git, ["clone", "-q", repo.path, checkout.path], env: gitEnv)
        #expect(clone.status == 0, "\(clone.output)")
        #expect(!FileManager.default.fileExists(atPath: checkout.appendingPathComponent("deploy/umami/.env").path))

        // As a CI runner has it: selfhost installed on PATH, the real validators where apt puts them.
        let path = TestSupport.binary.deletingLastPathComponent().path + ":/usr/local/bin:/usr/bin:/bin"
        let github = try Self.sh(commands[0], cwd: checkout, path: path)
        #expect(github.status == 0, "\(commands[0]) exited \(github.status):\n\(github.output)")
        #expect(!github.output.contains("::warning") && !github.output.contains("::error"), "\(github.output)")
        let sarif = try Self.sh(commands[1], cwd: checkout, path: path)
        #expect(sarif.status == 0)
        let data = try Data(contentsOf: checkout.appendingPathComponent("selfhost-lint.sarif"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let results = ((json["runs"] as? [[String: Any]])?.first?["results"] as? [Any]) ?? ["no runs"]
        #expect(results.isEmpty, "SARIF results on a clean checkout: \(results)")

        // Without the committed .env.example the same step fails: what the files above are for.
        try FileManager.default.removeItem(at: checkout.appendingPathComponent("deploy/umami/.env.example"))
        let bare = try Self.sh(commands[0], cwd: checkout, path: path)
        #expect(bare.status == 1 && bare.output.contains("compose.undefined-variable"), "\(bare.output)")
    }
}
