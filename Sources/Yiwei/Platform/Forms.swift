import Foundation
import Vapor

/// One field of a form page. The generic form template renders every kind the same way everywhere.
struct FormField: Encodable {
    struct Option: Encodable {
        var value: String
        var label: String
        var selected: Bool
    }
    enum Kind: String, Encodable { case text, password, tel, email, date, number, textarea, select, multiselect }

    var name: String
    var label: String
    var kind: Kind
    var value: String = ""
    var options: [Option] = []
    var required: Bool = false
    var maxLength: Int?
    var help: String?
    var error: String?
    var autocomplete: String?
    /// Template helpers: Leaf compares strings, so give it the kind's name.
    var type: String { kind.rawValue }

    private enum CodingKeys: String, CodingKey {
        case name, label, type, value, options, required, maxLength, help, error, autocomplete
        case isSelect, isMulti, isTextarea
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind == .multiselect ? name + "[]" : name, forKey: .name)
        try c.encode(label, forKey: .label)
        try c.encode(kind.rawValue, forKey: .type)
        try c.encode(value, forKey: .value)
        try c.encode(options, forKey: .options)
        try c.encode(required, forKey: .required)
        try c.encodeIfPresent(maxLength, forKey: .maxLength)
        try c.encodeIfPresent(help, forKey: .help)
        try c.encodeIfPresent(error, forKey: .error)
        try c.encodeIfPresent(autocomplete, forKey: .autocomplete)
        try c.encode(kind == .select, forKey: .isSelect)
        try c.encode(kind == .multiselect, forKey: .isMulti)
        try c.encode(kind == .textarea, forKey: .isTextarea)
    }

    /// Puts each field's problem (from a rejected submission) beside it, in the page's language.
    static func withErrors(_ fields: [FormField], _ errors: [String: String], locale: String) -> [FormField] {
        fields.map { field in
            var field = field
            field.error = errors[field.name].map { ProblemText.localize($0, locale: locale) }
            return field
        }
    }

    static func options(_ pairs: [(String, String)], selected: Set<String>, allowEmpty: String? = nil) -> [Option] {
        var result: [Option] = []
        if let allowEmpty { result.append(Option(value: "", label: allowEmpty, selected: selected.isEmpty || selected == [""])) }
        result += pairs.map { Option(value: $0.0, label: $0.1, selected: selected.contains($0.0)) }
        return result
    }
}

struct FormPageContext: Encodable {
    var page: PageBase
    var heading: String
    var action: String
    var fields: [FormField]
    var submitLabel: String
    var cancelHref: String
    var errorSummary: String?
    var readOnly: Bool
    var facts: [Fact]
    /// The head's back button, when it leads somewhere other than a list.
    var backLabel: String? = nil
}

/// A read-only line shown beside a form (created, updated, who …).
struct Fact: Encodable {
    var label: String
    var value: String
}

struct ListCell: Encodable {
    var text: String
    var href: String?
    var badge: String?
    var muted: Bool = false
    /// A button that POSTs (with the CSRF token) to this path, labelled `text`.
    var postAction: String? = nil
    /// With a button: the current state shown before it (启用中 / 已停用).
    var state: String? = nil
    var stateOn: Bool = true
    /// The column's heading, shown beside the value when a phone stacks the table into cards.
    var label: String = ""
}

struct ListPageContext: Encodable {
    /// Gives every cell its column heading (see `ListCell.label`).
    static func labelled(_ rows: [[ListCell]], _ columns: [String]) -> [[ListCell]] {
        rows.map { row in
            row.enumerated().map { index, cell in
                var cell = cell
                cell.label = index < columns.count ? columns[index] : ""
                return cell
            }
        }
    }

    struct Pager: Encodable {
        var page: Int
        var pageCount: Int
        var total: Int
        var previousHref: String?
        var nextHref: String?
        var summary: String
    }
    struct Filter: Encodable {
        var name: String
        var label: String
        var value: String
        var options: [FormField.Option]
        var isSelect: Bool
    }
    var page: PageBase
    var heading: String
    var newHref: String?
    var newLabel: String
    var columns: [String]
    var rows: [[ListCell]]
    var filters: [Filter]
    var pager: Pager
    var emptyText: String
}

extension ListPageContext.Pager {
    /// Keeps the other query parameters (filters) when moving between pages. `capped`: the total was counted only up
    /// to its value (a search), shown as "1000+".
    init(request: Request, page: Int, per: Int, total: Int, capped: Bool = false) {
        let t = request.yiwei.i18n.strings(request.locale.code)
        let pageCount = max(1, (total + per - 1) / per)
        func href(_ target: Int) -> String {
            var items = (URLComponents(string: request.url.string)?.queryItems ?? []).filter { $0.name != "page" }
            items.append(URLQueryItem(name: "page", value: String(target)))
            var c = URLComponents()
            c.path = request.url.path
            c.queryItems = items
            return c.string ?? request.url.path
        }
        self.init(page: page, pageCount: pageCount, total: total,
                  previousHref: page > 1 ? href(page - 1) : nil,
                  nextHref: page < pageCount ? href(page + 1) : nil,
                  summary: (t["pager_total"] ?? "{n}").replacingOccurrences(of: "{n}", with: String(total) + (capped ? "+" : "")) + " · "
                      + (t["pager_page"] ?? "{page}/{pages}").replacingOccurrences(of: "{page}", with: String(page))
                          .replacingOccurrences(of: "{pages}", with: String(pageCount)))
    }
}

/// Field problems are English in the API; pages show them in the user's language.
enum ProblemText {
    private static let patterns: [(String, String, String)] = [
        // (regex on the English text, zh-CN, en) — "$1" is the first captured number.
        ("^required$", "必填", "required"),
        ("^already exists$", "已存在，请换一个", "already exists"),
        ("^must be at most (\\d+) characters$", "不能超过 $1 个字符", "must be at most $1 characters"),
        ("^must be at least (\\d+) characters", "至少 $1 个字符，且须包含大写字母、小写字母、数字、符号中的至少三类", "$0"),
        ("^must mix at least", "须包含大写字母、小写字母、数字、符号中的至少三类", "$0"),
        ("^must not contain the username", "不能包含用户名", "$0"),
        ("^must be an id$", "无效的选项", "invalid choice"),
        ("^no such user$", "找不到这个人，请从提示中选择", "no such user; pick from the suggestions"),
        ("^no such", "所选项不存在", "no such item"),
        ("^must be one of", "无效的选项", "$0"),
        ("^must be a date that exists", "日期不存在，格式应为 2026-01-31", "$0"),
        ("^must be a date", "日期格式应为 2026-01-31", "$0"),
        ("^must be a time like 08:00", "时间格式应为 08:00（00:00–23:59；结束不晚于开始表示到次日）", "$0"),
        ("^is not a member of the team$", "不是该团队成员", "$0"),
        ("^belongs to another team$", "属于其他团队", "$0"),
        ("^must be a phone number$", "电话号码格式不正确", "$0"),
        ("^must be an e-mail address$", "邮箱格式不正确", "$0"),
        ("^is wrong$", "密码不正确", "is wrong"),
        ("^must differ from the current password$", "新密码不能与当前密码相同", "$0"),
        ("^2–32 characters", "2–32 个字符：小写字母、数字、点、横线、下划线，以字母或数字开头", "$0"),
        ("^separation of duties: admin and auditor", "三员分立：系统管理员与审计员不能由同一账号兼任", "$0"),
        ("^separation of duties: the auditor role", "三员分立：审计员不能兼任其他角色", "$0"),
        ("^at least one role is required$", "至少选择一个角色", "$0"),
        ("^you cannot disable your own account$", "不能停用自己的账号", "$0"),
        ("^you cannot remove your own admin role$", "不能移除自己的管理员角色", "$0"),
        ("^must not contain control characters$", "不能包含控制字符", "$0"),
        ("^the parent must be in the same domain$", "上级分类必须属于同一服务领域", "$0"),
        ("^a category cannot be its own ancestor$", "分类不能挂在自己或自己的下级之下", "$0"),
        ("^the end must not be before the start$", "结束日期不能早于开始日期", "$0"),
        ("^the team must be in the same domain$", "默认团队必须属于同一服务领域", "$0"),
        ("^(mon|tue|wed|thu|fri|sat|sun): intervals overlap$", "时间段有重叠（$1）", "$0"),
        ("each interval is", "时间段格式应为 08:00-12:00，且开始早于结束", "$0"),
        ("^the week has no working time$", "一周中至少要有一段工作时间", "$0"),
        ("^(\\d{4}-\\d{2}-\\d{2}) is also a holiday$", "$1 同时被设为节假日", "$0"),
        ("^unknown time zone", "未知的时区，如 Asia/Shanghai", "$0"),
        ("is not a date like", "日期格式应为 2026-10-01", "$0"),
        ("^unknown weekday", "未知的星期", "$0"),
        ("^must be between (\\d+) and (\\d+)$", "须在 $1 到 $2 之间", "$0"),
        ("^must be a whole number$", "须为整数", "$0"),
        ("^only staff may", "只有运维人员可以这样做", "$0"),
        ("^is not a member of the team$", "不是该团队成员", "$0"),
        ("^no such engineer$", "没有这位工程师", "$0"),
        ("^give an assignee or a team$", "请选择工程师或团队", "$0"),
        ("^the team must be in the ticket's domain$", "团队须属于工单所在的服务领域", "$0"),
        ("^a ticket cannot be linked to itself$", "工单不能关联自己", "$0"),
        ("^no such ticket$", "没有这张工单", "$0"),
        ("^is empty$", "文件是空的", "$0"),
        ("^must not be in the future$", "不能晚于现在", "$0"),
        ("^must be an RFC 3339 time", "时间格式不正确", "$0"),
        ("^the category belongs to another domain$", "分类不属于所选服务领域", "$0"),
        ("^contains an unknown filter$", "包含无法识别的筛选条件", "$0"),
        ("^required when the priority differs", "优先级与矩阵不同时须填写原因", "$0"),

    ]

    /// "原因：必填；解决方案：必填" — each problem with the name of its field, for messages outside a form.
    static func describe(_ fields: [String: String], locale: String, t: [String: String]) -> String {
        fields.sorted { $0.key < $1.key }.map { field, problem in
            let label = t["field_label_" + field].map { $0 + (locale == "en" ? ": " : "：") } ?? ""
            return label + localize(problem, locale: locale)
        }.joined(separator: locale == "en" ? "; " : "；")
    }

    static func localize(_ text: String, locale: String) -> String {
        for (pattern, zh, en) in patterns {
            guard let regex = try? NSRegularExpression(pattern: pattern),
                  let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { continue }
            var template = locale == "en" ? en : zh
            if template == "$0" { return text }
            for group in stride(from: match.numberOfRanges - 1, through: 1, by: -1) {
                if let range = Range(match.range(at: group), in: text) {
                    template = template.replacingOccurrences(of: "$\(group)", with: String(text[range]))
                }
            }
            return template
        }
        return text
    }
}
