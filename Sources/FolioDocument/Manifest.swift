// A report's manifest: `report-templates/<report-id>/manifest.json`, the ordered
// parts and questions of the handout and the chapter and fragment answering each.

import Foundation

public struct ReportManifest: Sendable, Equatable {
    public struct Question: Sendable, Equatable {
        /// The handout's number, e.g. "1.4".
        public var id: String
        public var title: String
        /// The handout's words, Markdown (math allowed, no placeholders).
        public var question: String
        /// Name of the chapter (Swift type) that computes this answer's content; nil
        /// when the fragment answers alone.
        public var chapter: String?
        /// Fragment file name inside the report's template directory.
        public var answer: String
    }

    public struct Part: Sendable, Equatable {
        public var id: String
        public var title: String
        /// Optional fragment file shown under the part heading.
        public var intro: String?
        public var questions: [Question]

        /// The part's anchor in the HTML and PDF: its manifest id, which the reader
        /// checks is anchor-safe and clashes with no question, figure or table anchor.
        public var anchor: String { id }
    }

    public var id: String
    public var title: String
    public var course: String
    public var subtitle: String?
    public var parts: [Part]
    /// The directory holding the manifest and its fragments.
    public var directory: URL

    /// Every question in handout order.
    public var questions: [Question] { parts.flatMap(\.questions) }

    /// Distinct chapter names in first-use order: what the CLI checks against its
    /// registry of chapters before any training starts.
    public var chapterNames: [String] {
        var seen = Set<String>()
        return questions.compactMap(\.chapter).filter { seen.insert($0).inserted }
    }

    /// Loads `<directory>/manifest.json` and checks it: required keys, unique question
    /// ids, and that every fragment it names exists.
    public static func load(from directory: URL) throws -> ReportManifest {
        let url = directory.appendingPathComponent("manifest.json")
        let file = url.path
        guard let data = FileManager.default.contents(atPath: file) else {
            throw TemplateError(file: file, "cannot read the manifest (missing or unreadable)")
        }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw TemplateError(file: file, "not valid JSON: \(error.localizedDescription)")
        }
        var reader = ManifestReader(file: file, directory: directory)
        return try reader.read(json)
    }
}

/// Walks the decoded JSON by hand so each error can say exactly which key is wrong
/// and where ("parts[1].questions[0]: missing key \"chapter\"").
private struct ManifestReader {
    let file: String
    let directory: URL
    var questionIDs: [String: String] = [:]

    init(file: String, directory: URL) { self.file = file; self.directory = directory }

    mutating func read(_ json: Any) throws -> ReportManifest {
        let root = try object(json, at: "top level")
        let id = try string(root, "id", at: "top level"), title = try string(root, "title", at: "top level")
        let course = try string(root, "course", at: "top level")
        let partsJSON = try array(root, "parts", at: "top level")
        if partsJSON.isEmpty { throw fail("\"parts\" is empty; a report needs at least one part") }
        var parts: [ReportManifest.Part] = []
        var partIDs = Set<String>()
        for (index, partJSON) in partsJSON.enumerated() {
            let place = "parts[\(index)]"
            let part = try object(partJSON, at: place)
            let id = try string(part, "id", at: place)
            guard partIDs.insert(id).inserted else { throw fail("\(place): duplicate part id \"\(id)\"") }
            try checkPartID(id, at: place)
            let intro = try optionalString(part, "intro", at: place)
            if let intro { try checkFragment(intro, at: place + ".intro") }
            var questions: [ReportManifest.Question] = []
            for (qIndex, questionJSON) in try array(part, "questions", at: place).enumerated() {
                questions.append(try question(questionJSON, at: "\(place).questions[\(qIndex)]"))
            }
            parts.append(.init(id: id, title: try string(part, "title", at: place), intro: intro,
                               questions: questions))
        }
        return ReportManifest(
            id: id, title: title, course: course,
            subtitle: try optionalString(root, "subtitle", at: "top level"), parts: parts,
            directory: directory)
    }

    mutating func question(_ json: Any, at place: String) throws -> ReportManifest.Question {
        let fields = try object(json, at: place)
        let id = try string(fields, "id", at: place)
        if let first = questionIDs[id] {
            throw fail("\(place): duplicate question id \"\(id)\" (already used at \(first))")
        }
        questionIDs[id] = place
        let answer = try string(fields, "answer", at: place)
        try checkFragment(answer, at: place + ".answer")
        return .init(id: id, title: try string(fields, "title", at: place),
                     question: try string(fields, "question", at: place),
                     chapter: try optionalString(fields, "chapter", at: place), answer: answer)
    }

    /// Part ids become anchors (`#part-2`), so they must be plain and must not take a
    /// form the other anchors use (q-1-4, fig-…, tbl-…, contents).
    func checkPartID(_ id: String, at place: String) throws {
        let plain = id.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" }
        guard plain, id.first?.isLetter == true else {
            throw fail("\(place): part id \"\(id)\" must start with a letter and hold only letters, digits, - and _")
        }
        if let prefix = ["q-", "fig-", "tbl-"].first(where: id.hasPrefix) {
            throw fail("\(place): part id \"\(id)\" must not begin with \"\(prefix)\", which question, figure and table anchors use")
        }
        if id == "contents" { throw fail("\(place): part id \"contents\" is the table of contents' anchor") }
    }

    func checkFragment(_ name: String, at place: String) throws {
        // Fragments live beside the manifest; a path escaping it is a mistake, not a feature.
        if name.contains("/") || name.hasPrefix(".") {
            throw fail("\(place): fragment \"\(name)\" must be a plain file name in \(directory.path)")
        }
        var isDirectory: ObjCBool = false
        let path = directory.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw fail("\(place): unknown fragment file \"\(name)\" (no such file in \(directory.path))")
        }
    }

    func object(_ json: Any, at place: String) throws -> [String: Any] {
        guard let value = json as? [String: Any] else { throw fail("\(place): expected a JSON object") }
        return value
    }

    func array(_ fields: [String: Any], _ key: String, at place: String) throws -> [Any] {
        guard let raw = fields[key] else { throw fail("\(place): missing key \"\(key)\"") }
        guard let value = raw as? [Any] else { throw fail("\(place): \"\(key)\" must be an array") }
        return value
    }

    func string(_ fields: [String: Any], _ key: String, at place: String) throws -> String {
        guard let raw = fields[key] else { throw fail("\(place): missing key \"\(key)\"") }
        guard let value = raw as? String else { throw fail("\(place): \"\(key)\" must be a string") }
        if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw fail("\(place): \"\(key)\" is empty")
        }
        return value
    }

    func optionalString(_ fields: [String: Any], _ key: String, at place: String) throws -> String? {
        guard fields[key] != nil, !(fields[key] is NSNull) else { return nil }
        return try string(fields, key, at: place)
    }

    func fail(_ message: String) -> TemplateError { TemplateError(file: file, message) }
}

extension ReportManifest {
    /// Fails, naming the manifest and the first question concerned, when a question's
    /// chapter is not among `available` — meant to run at start-up, before any training.
    public func checkChapters(available: Set<String>) throws {
        let missing = questions.filter { $0.chapter.map { !available.contains($0) } ?? false }
        guard let first = missing.first, let name = first.chapter else { return }
        let others = missing.dropFirst().map { "\($0.id) (\($0.chapter ?? ""))" }
        let more = others.isEmpty ? "" : "; also missing for \(others.joined(separator: ", "))"
        let known = available.sorted().joined(separator: ", ")
        throw TemplateError(file: directory.appendingPathComponent("manifest.json").path,
                            "question \(first.id) needs chapter \"\(name)\", which report \(id) does not have\(more) (its chapters: \(known.isEmpty ? "none" : known))")
    }
}
