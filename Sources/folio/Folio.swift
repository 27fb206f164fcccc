import ArgumentParser
import FolioBuild

@main
struct Folio: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "folio",
        abstract: "Regenerates the course's MNIST assignment reports from scratch.",
        version: FolioVersion.string,
        subcommands: [BuildCommand.self, StatusCommand.self, ListCommand.self, DataCommand.self, TrainCommand.self, SummaryCommand.self, BenchCommand.self, GalleryCommand.self, DiffCommand.self]
    )

    static func main() {
        CPUCheck.exitIfUnsupported()
        main(nil)
    }
}
