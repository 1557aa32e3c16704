import Foundation

/// The terminal a live view draws on: its size, raw key input, and the alternate screen, with
/// everything put back on exit. Only made when standard output is a terminal.
public final class TerminalControl: @unchecked Sendable {
    public let outputFD: Int32
    public let inputFD: Int32
    private var saved: termios?

    init(outputFD: Int32, inputFD: Int32) {
        self.outputFD = outputFD
        self.inputFD = inputFD
    }

    /// The process's terminal, or nil when stdout is not one.
    public static func live() -> TerminalControl? {
        isatty(1) == 1 ? TerminalControl(outputFD: 1, inputFD: 0) : nil
    }

    /// Columns and rows (TIOCGWINSZ), or nil when the size is unknown.
    public var size: (columns: Int, rows: Int)? {
        var w = winsize()
        guard ioctl(outputFD, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0 else { return nil }
        return (Int(w.ws_col), Int(w.ws_row))
    }

    /// The width a report should fit: `COLUMNS` when set, else the terminal's, else none (a pipe).
    public static func width(environment: [String: String], isTTY: Bool) -> Int? {
        if let c = environment["COLUMNS"].flatMap({ Int($0) }), c >= 20 { return min(c, 1000) }
        guard isTTY else { return nil }
        return TerminalControl.live()?.size?.columns
    }

    /// Alternate screen, hidden cursor, keys one at a time without echo (signals still work).
    func enter() {
        if isatty(inputFD) == 1 {
            var t = termios()
            if tcgetattr(inputFD, &t) == 0 {
                saved = t
                t.c_lflag &= ~tcflag_t(ICANON | ECHO)
                withUnsafeMutableBytes(of: &t.c_cc) { cc in
                    cc[Int(VMIN)] = 1
                    cc[Int(VTIME)] = 0
                }
                tcsetattr(inputFD, TCSANOW, &t)
            }
        }
        write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J")
    }

    /// Puts the terminal back as it was: main screen, cursor, line mode and echo.
    func leave() {
        write("\u{1B}[?25h\u{1B}[?1049l")
        if var t = saved {
            tcsetattr(inputFD, TCSANOW, &t)
            saved = nil
        }
    }

    /// Draws a whole frame in one write: home, each line cleared to its end, the rest cleared.
    /// Nothing is erased first, so nothing flickers.
    func draw(_ lines: [String]) {
        let rows = size?.rows ?? lines.count
        let shown = lines.prefix(max(1, rows))
        write("\u{1B}[H" + shown.joined(separator: "\u{1B}[K\r\n") + "\u{1B}[K\u{1B}[J")
    }

    func write(_ text: String) {
        FileDescriptorSink(fd: outputFD).write(text)
    }
}
