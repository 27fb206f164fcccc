import Foundation

/// The Python interpreter the interoperability tests read Folio's files with.
/// `scripts/test` prepares a virtual environment holding the modules and passes its
/// interpreter as FOLIO_PYTHON; without it (a bare `swift test`) python3 from PATH
/// is tried, and a test may skip when it lacks the modules.
public enum Python {
    /// FOLIO_PYTHON, when set and not empty: then a missing module is a failure.
    public static var prepared: String? {
        ProcessInfo.processInfo.environment["FOLIO_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether the interpreter imports `modules` ("safetensors, numpy").
    public static func has(_ modules: String) -> Bool {
        (try? run("import " + modules, arguments: []).status) == 0
    }

    /// Runs `script` with `arguments` (sys.argv[1...]).
    public static func run(_ script: String, arguments: [String]) throws -> Subprocess.Result {
        try Subprocess.run(prepared ?? "python3", ["-c", script] + arguments)
    }
}
