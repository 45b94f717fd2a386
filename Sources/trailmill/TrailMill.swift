import ArgumentParser

@main
struct TrailMill: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trailmill", abstract: "CloudTrail archive processor.")
}
