import ArgumentParser
import FolioBuild

@main
struct Folio: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "folio",
        abstract: "Regenerates the course's MNIST assignment reports from scratch.",
        version: FolioVersion.string,
        subcommands: [BuildCommand.self, PreviewCommand.self, StatusCommand.self, DiffCommand.self, ListCommand.self, DataCommand.self, TrainCommand.self, SummaryCommand.self, BenchCommand.self, GalleryCommand.self]
    )

    static func main() async {
        CPUCheck.exitIfUnsupported()
        await main(nil)
    }
}
