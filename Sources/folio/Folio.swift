import ArgumentParser

@main
struct Folio: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "folio",
        abstract: "Regenerates the course's MNIST assignment reports from scratch.",
        version: FolioVersion.string,
        subcommands: [DataCommand.self]
    )
}

enum FolioVersion {
    static let string = "0.1.0"
}
