import Vapor
import Yiwei

/// The commands that make data rather than serve it; the executable registers them beside the server's own.
public enum DemoCommands {
    public static func register(_ app: Application) {
        app.asyncCommands.use(SeedDemoCommand(), as: "seed-demo")
        app.asyncCommands.use(GenDataCommand(), as: "gen-data")
    }
}
