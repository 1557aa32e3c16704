// Start-up baseline: a trivial executable that links Foundation (as selfhost does), built with the
// same static Swift runtime. It touches Foundation once so the library is really initialised.
import Foundation
print(ProcessInfo.processInfo.arguments.count, URL(fileURLWithPath: "/tmp").path)
