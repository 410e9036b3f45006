/// `yiwei --help` (also `-h`, `help`, or `--help` after a command): what the binary does, printed before anything
/// opens — and so creates — a database in the current folder.
public enum CommandHelp {
    /// Whether the arguments (the program's name first) ask for help.
    public static func wanted(_ arguments: [String]) -> Bool {
        let rest = arguments.dropFirst()
        return rest.first == "help" || rest.contains("--help") || rest.contains("-h")
    }

    public static let text = """
        医维 Yiwei — 医院信息化运维服务管理平台 / hospital IT operations and service management

        用法 / usage: yiwei [命令 / command] [选项 / options]

        命令 / commands:
          serve [--demo] [--port N] [--host ADDR]   启动服务（默认）/ serve (the default): migrate, create the admin, serve
          migrate                                   升级数据库并检查完整性 / apply migrations, check integrity
          seed-demo                                 向空数据库导入演示医院 / load the demo hospital into an empty database
          audit verify                              校验审计日志哈希链 / verify the audit log's hash chain
          backup --to DIR                           在线一致性备份（含附件）/ consistent online backup with attachments
          restore --from DIR --data-dir EMPTY_DIR   从备份恢复到空目录 / restore a backup into an empty folder
          doctor                                    打印配置并检查数据库、磁盘 / print the configuration, check database and disk
          gen-data --tickets N --articles N --seed S  生成模拟数据（试用、压测）/ generate a hospital for trials and benchmarks

        通用选项 / options for every command:
          --data-dir DIR        数据目录（SQLite 文件、附件）/ data folder (default ./data; YIWEI_DATA_DIR)
          --database-url URL    sqlite:///path 或 postgres://user:pass@host/db（YIWEI_DATABASE_URL）
          --resources-dir DIR   模板与静态文件目录 / templates and static files (YIWEI_RESOURCES_DIR)

        其余设置见环境变量 YIWEI_*（docs/configuration.md）/ every other setting is a YIWEI_* environment variable.
        """
}
