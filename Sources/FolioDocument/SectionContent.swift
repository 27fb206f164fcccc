// What a chapter hands to its answer template: named values for the Mustache
// placeholders, and named figures, tables and listings for the placement directives.

/// A value for a template placeholder. Numbers arrive already formatted, so the
/// template never decides how many digits a result gets.
public indirect enum TemplateValue: Sendable, Equatable {
    case string(String)
    /// A number: templates print its `text` exactly as a `.string`; results.json
    /// also gives its value, unit and sample size, so programs need not parse the text.
    case number(Measure)
    case bool(Bool)
    /// Iterated by a `{{#name}}…{{/name}}` section, once per element.
    case list([TemplateValue])
    case object([String: TemplateValue])
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

/// A computed number as the prose prints it and as a program reads it.
///
/// `value` is in `unit`, as the text shows it, at full precision: "58.09 %" has
/// value 58.09… and unit "%", not 0.5809; "1.25" percentage points has unit
/// "points". A p-value has no unit and value p, also for "p < 0.001".
public struct Measure: Sendable, Equatable {
    /// Exactly what the prose prints.
    public var text: String
    public var value: Double
    /// "%", "points", "s", "images/s", "MB", "°", …; nil for a plain number or count.
    public var unit: String?
    /// For an accuracy or another proportion of images: how many it was measured on.
    public var count: Int?

    public init(text: String, value: Double, unit: String? = nil, count: Int? = nil) {
        self.text = text; self.value = value; self.unit = unit; self.count = count
    }
}

extension TemplateValue {
    /// What a placeholder prints for a text or a number; nil for other kinds.
    public var text: String? {
        switch self {
        case let .string(s): return s
        case let .number(m): return m.text
        case .bool, .list, .object: return nil
        }
    }
}

/// A chapter's figure with the caption used when the template's directive gives none.
public struct FigureContent {
    public var caption: String
    public var figure: any DocumentFigure

    public init(caption: String, figure: any DocumentFigure) {
        self.caption = caption; self.figure = figure
    }
}

/// A chapter's table as plain strings; cells are text, never Markdown.
public struct TableContent: Sendable {
    public var caption: String
    public var header: [String]
    public var rows: [[String]]
    /// One per column; missing entries default to left (text) alignment.
    public var alignments: [Alignment]

    public init(caption: String, header: [String], rows: [[String]], alignments: [Alignment] = []) {
        self.caption = caption; self.header = header; self.rows = rows; self.alignments = alignments
    }
}

/// Monospaced text from a chapter: a model summary, a classification report.
public struct ListingContent: Sendable {
    public var caption: String
    public var text: String

    public init(caption: String = "", text: String) { self.caption = caption; self.text = text }
}

/// Everything one question's answer template may use. Every entry must be used by
/// the template, and everything the template names must be here.
public struct SectionContent {
    public var values: [String: TemplateValue]
    public var figures: [String: FigureContent]
    public var tables: [String: TableContent]
    public var listings: [String: ListingContent]
    /// Files the answer hands to the reader, such as a trained network's weights, by
    /// path inside the report's output folder ("models/adam.safetensors"). The build
    /// writes them; a chapter never writes files itself.
    public var files: [String: [UInt8]]

    public init(values: [String: TemplateValue] = [:], figures: [String: FigureContent] = [:],
                tables: [String: TableContent] = [:], listings: [String: ListingContent] = [:],
                files: [String: [UInt8]] = [:]) {
        self.values = values; self.figures = figures; self.tables = tables; self.listings = listings
        self.files = files
    }
}
