import FolioDocument
import FolioExperiments
import FolioNN

/// The "Protocol." note every question of Parts 2 and 3 opens with: which trained
/// model is analysed. The choice itself is `OptimiserRuns.best` (question 1.1);
/// the note takes the name and the validation accuracy from the run, so it follows
/// whatever that choice returns.
enum AnalysedModelNote {
    static func values(_ c: ChapterContext, kind: OptimizerKind, run: TrainingRun) -> [String: TemplateValue] {
        let epochs = c.profile.epochs(OptimiserRuns.epochs)
        let validation = run.records(upTo: epochs).last?.validationAccuracy ?? .nan
        return [
            "protocol_model": .string(kind.displayName),
            "protocol_epochs": .plain(epochs),
            "protocol_validation": .percent(validation, of: run.config.validationCount),
        ]
    }
}

/// Phrases that stay correct when two values are equal, so that a template never
/// prints "from 28 to 28" or "from 1.0000 to 1.0000".
enum Wording {
    /// "rose from 1 to 3", "fell from 26 to 22", "stayed at 28": `from` and `to` are
    /// the printed values; equal printed values read as "stayed at".
    static func movement(_ from: String, _ to: String, up: String = "rose", down: String = "fell",
                         same: String = "stayed at", rising: Bool) -> String {
        from == to ? "\(same) \(to)" : "\(rising ? up : down) from \(from) to \(to)"
    }

    /// "from 0.84 to 0.97" or, when both print the same, "0.97 for every one".
    static func range(_ low: String, _ high: String, every: String = "for all of them") -> String {
        low == high ? "\(high) \(every)" : "from \(low) to \(high)"
    }

    /// "(a)", "(a) and (b)", "(a), (a′) and (b)".
    static func list(_ items: [String]) -> String {
        items.count < 2 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }

    /// What follows item `k` of `count` in a running list: ", ", " and " or nothing.
    static func separator(_ k: Int, of count: Int) -> String {
        k == count - 1 ? "" : k == count - 2 ? " and " : ", "
    }

    /// Strength of a correlation by the conventional bands of |r| (Cohen, 1988):
    /// below 0.1 negligible, below 0.3 weak, below 0.5 moderate, otherwise strong.
    static func strength(_ r: Double) -> String {
        let a = abs(r)
        return a < 0.1 ? "negligible" : a < 0.3 ? "weak" : a < 0.5 ? "moderate" : "strong"
    }
}
