/// A declaration's source as a report shows it: where it is, and its lines split
/// into coloured runs (a multi-line string or comment is cut at each line end).
public struct CodeListing: Sendable, Equatable {
    public struct Run: Sendable, Equatable {
        public var kind: SwiftToken.Kind
        public var text: String
    }

    /// The reference it was asked for by, e.g. "OcclusionStudy.sweep".
    public var reference: String
    public var file: String
    public var firstLine: Int
    public var lastLine: Int
    public var lines: [[Run]]

    /// "Sources/FolioNN/Trainer.swift, lines 12–40".
    public var heading: String { "\(file), lines \(firstLine)–\(lastLine)" }

    /// The lines as plain text, exactly as in the file.
    public var text: String { lines.map { $0.map(\.text).joined() }.joined(separator: "\n") }
}

extension DeclarationIndex {
    /// The listing of the declaration `reference` names (see `declaration(_:)`).
    public func listing(_ reference: String) throws -> CodeListing {
        let declaration = try declaration(reference)
        let source = lines(of: declaration).joined(separator: "\n")
        var lines: [[CodeListing.Run]] = [[]]
        for token in SwiftLexer.tokens(source) {
            if token.kind == .newline { lines.append([]); continue }
            let pieces = token.text.split(separator: "\n", omittingEmptySubsequences: false)
            for (n, piece) in pieces.enumerated() {
                if n > 0 { lines.append([]) }
                if !piece.isEmpty { lines[lines.count - 1].append(.init(kind: token.kind, text: String(piece))) }
            }
        }
        return CodeListing(reference: reference, file: declaration.file, firstLine: declaration.firstLine,
                           lastLine: declaration.lastLine, lines: lines)
    }
}
