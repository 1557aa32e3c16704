// Start-up baseline: the same program against FoundationEssentials only (no ICU, no CoreFoundation),
// to see what moving selfhost to FoundationEssentials could save at process start.
import FoundationEssentials
print(ProcessInfo.processInfo.arguments.count, URL(filePath: "/tmp").path)
