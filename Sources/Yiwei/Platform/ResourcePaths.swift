import Foundation

/// Where templates, static files and translations live. Never the working directory: a service manager
/// starts Yiwei anywhere. Order: `YIWEI_RESOURCES_DIR`, the bundle beside the executable, SwiftPM's bundle.
public struct ResourcePaths: Sendable {
    public let root: String
    public var views: String { root + "/Views/" }
    public var publicFiles: String { root + "/Public/" }
    public var locales: String { root + "/Locales/" }

    public static func locate(configured: String?) throws -> ResourcePaths {
        let fm = FileManager.default
        func valid(_ path: String) -> Bool { fm.fileExists(atPath: path + "/Views/layout.leaf") }
        if let configured {
            let path = URL(fileURLWithPath: configured).standardizedFileURL.path
            guard valid(path) else {
                throw AppConfig.Invalid(description: "YIWEI_RESOURCES_DIR=\(configured): no Views/layout.leaf there")
            }
            return ResourcePaths(root: path)
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        let besideExecutable = executable.deletingLastPathComponent().appendingPathComponent("Yiwei_Yiwei.resources").path
        if valid(besideExecutable) { return ResourcePaths(root: besideExecutable) }
        if let bundled = Bundle.module.resourceURL?.path, valid(bundled) { return ResourcePaths(root: bundled) }
        throw AppConfig.Invalid(description: "templates not found: set YIWEI_RESOURCES_DIR to the folder holding Views/ and Public/")
    }
}
