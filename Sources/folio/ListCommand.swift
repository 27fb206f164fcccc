import ArgumentParser
import Foundation
import FolioData
import FolioBuild
import FolioDocument

/// `folio list`: the reports, their parts and questions, and which chapter answers each.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the reports, their parts and question ids, and whether each was built."
    )

    @Option(help: "Output folder to look for built sections in.")
    var output = "output"

    func run() throws {
        guard let rootPath = DataSource.projectRoot() else {
            throw ValidationError("cannot find report-templates/: run folio from the Folio checkout")
        }
        for manifest in try ReportCatalogue(templates: URL(fileURLWithPath: rootPath).appendingPathComponent("report-templates")).manifests {
            print("\(manifest.id) — \(manifest.title)")
            let sections = URL(fileURLWithPath: output).appendingPathComponent(manifest.id).appendingPathComponent("sections")
            for part in manifest.parts {
                print("  \(part.title)")
                for q in part.questions {
                    let built = FileManager.default.fileExists(atPath: sections.appendingPathComponent(Question.anchor(forID: q.id) + ".html").path)
                    let id = q.id.padding(toLength: 6, withPad: " ", startingAt: 0)
                    let title = q.title.padding(toLength: 44, withPad: " ", startingAt: 0)
                    print("    \(id) \(title) \((q.chapter ?? "(template only)").padding(toLength: 22, withPad: " ", startingAt: 0)) \(built ? "built" : "not built")")
                }
            }
        }
    }
}
