import Foundation
import Yiwei

/// The demo hospital loaded by `yiwei seed-demo` and `yiwei serve --demo`.
///
/// A fictional two-campus general hospital. The business-system list is the
/// 50 systems of the 2026 "支撑辅助及管理类信息系统运维管理服务项目" attachment,
/// in the attachment's order and with its names kept verbatim.
enum DemoData {
    struct CampusSeed { let name: String; let code: String; let address: String }
    struct DepartmentSeed { let name: String; let campusCode: String; let location: String; let phone: String }
    struct VendorSeed { let name: String; let contractNo: String; let contractStart: String; let contractEnd: String; let contactName: String; let contactPhone: String; let serviceScope: String }
    struct TeamSeed { let name: String; let domain: String; let vendorName: String?; let description: String }
    struct UserSeed { let username: String; let displayName: String; let roles: [String]; let departmentName: String?; let vendorName: String?; let teamNames: [String]; let leadsTeams: [String]; let phone: String }
    struct CategorySeed { let domain: String; let name: String; let defaultTeamName: String; let children: [String] }
    struct SystemSeed { let name: String; let code: String; let criticality: String; let ownerDepartmentName: String; let vendorName: String? }

    // MARK: - Campuses

    static let campuses: [CampusSeed] = [
        CampusSeed(name: "本部院区", code: "BB", address: "广州市越秀区杏林路168号"),
        CampusSeed(name: "东院区", code: "DY", address: "广州市黄埔区康泰大道2号"),
    ]

    // MARK: - Departments

    static let departments: [DepartmentSeed] = [
        // Clinical and medical-technical departments
        DepartmentSeed(name: "心血管内科", campusCode: "BB", location: "住院一号楼12楼东区", phone: "020-8888-1201"),
        DepartmentSeed(name: "呼吸与危重症医学科", campusCode: "BB", location: "住院一号楼9楼西区", phone: "020-8888-1091"),
        DepartmentSeed(name: "急诊科", campusCode: "BB", location: "急诊楼1楼", phone: "020-8888-1120"),
        DepartmentSeed(name: "重症医学科(EICU)", campusCode: "BB", location: "急诊楼3楼", phone: "020-8888-1130"),
        DepartmentSeed(name: "内镜中心", campusCode: "BB", location: "门诊楼4楼西区", phone: "8421"),
        DepartmentSeed(name: "麻醉科", campusCode: "BB", location: "住院二号楼5楼手术部", phone: "020-8888-1505"),
        DepartmentSeed(name: "眼科", campusCode: "BB", location: "门诊楼5楼东区", phone: "8512"),
        DepartmentSeed(name: "检验科", campusCode: "BB", location: "医技楼2楼", phone: "020-8888-1302"),
        DepartmentSeed(name: "病理科", campusCode: "BB", location: "医技楼4楼", phone: "020-8888-1304"),
        DepartmentSeed(name: "放射科", campusCode: "BB", location: "医技楼1楼", phone: "020-8888-1310"),
        DepartmentSeed(name: "核医学科", campusCode: "BB", location: "医技楼负1楼", phone: "8319"),
        DepartmentSeed(name: "输血科", campusCode: "BB", location: "医技楼3楼北区", phone: "020-8888-1303"),
        DepartmentSeed(name: "消毒供应中心", campusCode: "BB", location: "医技楼负2楼", phone: "8329"),
        DepartmentSeed(name: "静脉用药调配中心", campusCode: "BB", location: "住院二号楼负1楼", phone: "8216"),
        DepartmentSeed(name: "门诊部", campusCode: "BB", location: "门诊楼1楼东区", phone: "020-8888-1001"),
        DepartmentSeed(name: "门诊收费处", campusCode: "BB", location: "门诊楼1楼大厅", phone: "8006"),
        DepartmentSeed(name: "儿科", campusCode: "DY", location: "妇儿楼5楼", phone: "020-8666-2501"),
        DepartmentSeed(name: "妇产科", campusCode: "DY", location: "妇儿楼3楼", phone: "020-8666-2301"),
        DepartmentSeed(name: "生殖医学中心", campusCode: "DY", location: "妇儿楼7楼", phone: "020-8666-2701"),
        DepartmentSeed(name: "儿童保健科", campusCode: "DY", location: "妇儿楼1楼北区", phone: "6105"),
        DepartmentSeed(name: "康复医学科", campusCode: "DY", location: "综合楼4楼", phone: "020-8666-2401"),
        DepartmentSeed(name: "药学部", campusCode: "BB", location: "门诊楼负1楼", phone: "020-8888-1060"),
        // Administrative and support departments
        DepartmentSeed(name: "信息科", campusCode: "BB", location: "行政楼6楼", phone: "020-8888-1600"),
        DepartmentSeed(name: "总务科", campusCode: "BB", location: "后勤楼2楼", phone: "020-8888-1720"),
        DepartmentSeed(name: "医学装备部", campusCode: "BB", location: "后勤楼3楼", phone: "020-8888-1730"),
        DepartmentSeed(name: "医务部", campusCode: "BB", location: "行政楼3楼", phone: "020-8888-1630"),
        DepartmentSeed(name: "护理部", campusCode: "BB", location: "行政楼4楼", phone: "020-8888-1640"),
        DepartmentSeed(name: "计划财务处", campusCode: "BB", location: "行政楼2楼", phone: "020-8888-1620"),
        DepartmentSeed(name: "院感办", campusCode: "BB", location: "行政楼5楼东侧", phone: "8655"),
        DepartmentSeed(name: "预防保健科", campusCode: "BB", location: "门诊楼2楼北区", phone: "8023"),
        DepartmentSeed(name: "医保办", campusCode: "BB", location: "行政楼1楼", phone: "020-8888-1610"),
        DepartmentSeed(name: "科研处", campusCode: "BB", location: "科教楼3楼", phone: "020-8888-1830"),
        DepartmentSeed(name: "教育处", campusCode: "BB", location: "科教楼2楼", phone: "020-8888-1820"),
        DepartmentSeed(name: "院办", campusCode: "BB", location: "行政楼7楼", phone: "020-8888-1700"),
        DepartmentSeed(name: "审计科", campusCode: "BB", location: "行政楼7楼西侧", phone: "8708"),
    ]

    // MARK: - Vendors

    static let vendors: [VendorSeed] = [
        VendorSeed(name: "广州智医信息技术有限公司", contractNo: "HT-2026-001",
                   contractStart: "2026-01-01", contractEnd: "2026-12-31",
                   contactName: "陈志强", contactPhone: "13800138001",
                   serviceScope: "负责支撑辅助及管理类信息系统的一线驻场运维、二线技术支持、数据库巡检与备份及接口维护。"),
        VendorSeed(name: "广州康联软件有限公司", contractNo: "HT-2026-002",
                   contractStart: "2026-02-01", contractEnd: "2027-01-31",
                   contactName: "刘文博", contactPhone: "13926015872",
                   serviceScope: "负责检验LIS、临床用血、手术麻醉及静脉配置等系统的原厂维保与版本升级。"),
        VendorSeed(name: "深圳云影医疗科技有限公司", contractNo: "HT-2026-003",
                   contractStart: "2026-03-01", contractEnd: "2027-02-28",
                   contactName: "邓海峰", contactPhone: "13602547316",
                   serviceScope: "负责PACS/RIS、数字病理、核医学及眼科影像等影像类系统的原厂维保与技术支持。"),
        VendorSeed(name: "粤信银医科技有限公司", contractNo: "HT-2026-004",
                   contractStart: "2026-01-15", contractEnd: "2026-12-31",
                   contactName: "苏雅琴", contactPhone: "18620873154",
                   serviceScope: "负责银医通自助服务、一体化预约、智慧财务及电子票据等银医合作项目的运维保障。"),
        VendorSeed(name: "华康医疗设备技术服务有限公司", contractNo: "HT-2026-005",
                   contractStart: "2026-01-01", contractEnd: "2026-12-31",
                   contactName: "江涛", contactPhone: "13570462918",
                   serviceScope: "负责CT、MR、DR及DSA等大型影像设备的全保维修、预防性维护与质控检测。"),
        VendorSeed(name: "广州恒安机电工程有限公司", contractNo: "HT-2026-006",
                   contractStart: "2026-04-01", contractEnd: "2027-03-31",
                   contactName: "方磊", contactPhone: "15813275640",
                   serviceScope: "负责两院区客梯、医梯及货梯的日常维保、年检配合与困人应急救援。"),
    ]

    // MARK: - Teams

    static let teams: [TeamSeed] = [
        TeamSeed(name: "信息科运维组", domain: "it", vendorName: nil,
                 description: "信息科桌面运维与服务台二线，负责终端、打印机、外设及账号权限类报修。"),
        TeamSeed(name: "网络与安全组", domain: "it", vendorName: nil,
                 description: "负责两院区有线/无线网络、VPN、机房及网络安全告警处置与等保整改。"),
        TeamSeed(name: "驻场运维组", domain: "it", vendorName: "广州智医信息技术有限公司",
                 description: "厂商驻场工程师团队，负责各业务系统的日常运维、故障处理、数据修复与接口维护。"),
        TeamSeed(name: "水电维修组", domain: "logistics", vendorName: nil,
                 description: "总务科水电班，负责给排水、强弱电、照明及热水供应的报修处理。"),
        TeamSeed(name: "空调暖通组", domain: "logistics", vendorName: nil,
                 description: "负责中央空调、分体空调、新风排风及净化区域暖通设备的维护保养。"),
        TeamSeed(name: "综合维修组", domain: "logistics", vendorName: nil,
                 description: "负责门窗、门锁、家具、隔帘等零星维修，并协调物业保洁与运送服务。"),
        TeamSeed(name: "电梯维保组", domain: "logistics", vendorName: "广州恒安机电工程有限公司",
                 description: "电梯维保单位驻场人员与总务科对接人，负责电梯故障处理、困人救援与定期保养。"),
        TeamSeed(name: "医学装备维修组", domain: "equipment", vendorName: nil,
                 description: "医学装备部临床工程师，负责检验、监护、生命支持及手术室设备的维修与计量质控。"),
        TeamSeed(name: "影像设备保障组", domain: "equipment", vendorName: "华康医疗设备技术服务有限公司",
                 description: "大型影像设备保障团队，由医学装备部工程师与厂商驻场工程师共同组成。"),
    ]

    // MARK: - Users

    static let users: [UserSeed] = [
        // 信息科主任
        UserSeed(username: "liuzhiyuan", displayName: "刘志远", roles: ["lead"],
                 departmentName: "信息科", vendorName: nil, teamNames: [], leadsTeams: [], phone: "13902210586"),

        // Team leads
        UserSeed(username: "wangjianguo", displayName: "王建国", roles: ["lead", "agent"],
                 departmentName: "信息科", vendorName: nil, teamNames: ["信息科运维组"], leadsTeams: ["信息科运维组"], phone: "13719284530"),
        UserSeed(username: "zhaolei", displayName: "赵磊", roles: ["lead", "agent"],
                 departmentName: "信息科", vendorName: nil, teamNames: ["网络与安全组"], leadsTeams: ["网络与安全组"], phone: "13826471093"),
        UserSeed(username: "sunhao", displayName: "孙浩", roles: ["lead", "agent"],
                 departmentName: "信息科", vendorName: nil, teamNames: ["驻场运维组"], leadsTeams: ["驻场运维组"], phone: "15920836147"),
        UserSeed(username: "huangdeming", displayName: "黄德明", roles: ["lead", "agent"],
                 departmentName: "总务科", vendorName: nil, teamNames: ["水电维修组"], leadsTeams: ["水电维修组"], phone: "13609017752"),
        UserSeed(username: "zhoujun", displayName: "周军", roles: ["lead", "agent"],
                 departmentName: "总务科", vendorName: nil, teamNames: ["空调暖通组"], leadsTeams: ["空调暖通组"], phone: "13560273819"),
        UserSeed(username: "wuguoqiang", displayName: "吴国强", roles: ["lead", "agent"],
                 departmentName: "总务科", vendorName: nil, teamNames: ["综合维修组"], leadsTeams: ["综合维修组"], phone: "18028765130"),
        UserSeed(username: "zhengwei", displayName: "郑伟", roles: ["lead", "agent"],
                 departmentName: "总务科", vendorName: nil, teamNames: ["电梯维保组"], leadsTeams: ["电梯维保组"], phone: "13922458016"),
        UserSeed(username: "linhaitao", displayName: "林海涛", roles: ["lead", "agent"],
                 departmentName: "医学装备部", vendorName: nil, teamNames: ["医学装备维修组"], leadsTeams: ["医学装备维修组"], phone: "13751629048"),
        UserSeed(username: "heyong", displayName: "何勇", roles: ["lead", "agent"],
                 departmentName: "医学装备部", vendorName: nil, teamNames: ["影像设备保障组"], leadsTeams: ["影像设备保障组"], phone: "15018362274"),

        // Service desk dispatchers
        UserSeed(username: "chenxiaoyu", displayName: "陈晓雨", roles: ["dispatcher", "agent"],
                 departmentName: "信息科", vendorName: nil, teamNames: ["信息科运维组"], leadsTeams: [], phone: "13632805471"),
        UserSeed(username: "yang.li", displayName: "杨丽", roles: ["dispatcher", "agent"],
                 departmentName: "信息科", vendorName: nil, teamNames: ["信息科运维组"], leadsTeams: [], phone: "18819403625"),

        // Engineers
        UserSeed(username: "liming", displayName: "李明", roles: ["agent"],
                 departmentName: "信息科", vendorName: nil, teamNames: ["信息科运维组"], leadsTeams: [], phone: "13538092614"),
        UserSeed(username: "xu.tao", displayName: "徐涛", roles: ["agent"],
                 departmentName: "信息科", vendorName: nil, teamNames: ["信息科运维组"], leadsTeams: [], phone: "13423617805"),
        UserSeed(username: "guoyang", displayName: "郭阳", roles: ["agent"],
                 departmentName: "信息科", vendorName: nil, teamNames: ["网络与安全组"], leadsTeams: [], phone: "15102283946"),
        UserSeed(username: "majie", displayName: "马杰", roles: ["agent"],
                 departmentName: "信息科", vendorName: nil, teamNames: ["网络与安全组"], leadsTeams: [], phone: "13798520317"),
        UserSeed(username: "luojianhua", displayName: "罗建华", roles: ["agent"],
                 departmentName: "总务科", vendorName: nil, teamNames: ["水电维修组"], leadsTeams: [], phone: "13560917428"),
        UserSeed(username: "liang.kai", displayName: "梁凯", roles: ["agent"],
                 departmentName: "总务科", vendorName: nil, teamNames: ["水电维修组"], leadsTeams: [], phone: "18922306751"),
        UserSeed(username: "songqiang", displayName: "宋强", roles: ["agent"],
                 departmentName: "总务科", vendorName: nil, teamNames: ["空调暖通组"], leadsTeams: [], phone: "13680452193"),
        UserSeed(username: "tangwenbin", displayName: "唐文斌", roles: ["agent"],
                 departmentName: "总务科", vendorName: nil, teamNames: ["综合维修组"], leadsTeams: [], phone: "15975138260"),
        UserSeed(username: "fengxiaodong", displayName: "冯晓东", roles: ["agent"],
                 departmentName: "医学装备部", vendorName: nil, teamNames: ["医学装备维修组"], leadsTeams: [], phone: "13828160537"),
        UserSeed(username: "dengyu", displayName: "邓宇", roles: ["agent"],
                 departmentName: "医学装备部", vendorName: nil, teamNames: ["医学装备维修组"], leadsTeams: [], phone: "13711846209"),
        UserSeed(username: "hanyu", displayName: "韩宇", roles: ["agent"],
                 departmentName: "医学装备部", vendorName: nil, teamNames: ["影像设备保障组"], leadsTeams: [], phone: "18675290341"),

        // Vendor engineers (驻场工程师)
        UserSeed(username: "chenzhiqiang", displayName: "陈志强", roles: ["vendor"],
                 departmentName: nil, vendorName: "广州智医信息技术有限公司", teamNames: ["驻场运维组"], leadsTeams: [], phone: "13800138001"),
        UserSeed(username: "yejun", displayName: "叶俊", roles: ["vendor"],
                 departmentName: nil, vendorName: "广州智医信息技术有限公司", teamNames: ["驻场运维组"], leadsTeams: [], phone: "13662508194"),
        UserSeed(username: "panxiaofeng", displayName: "潘晓峰", roles: ["vendor"],
                 departmentName: nil, vendorName: "广州智医信息技术有限公司", teamNames: ["驻场运维组"], leadsTeams: [], phone: "15876230915"),
        UserSeed(username: "jiangtao", displayName: "江涛", roles: ["vendor"],
                 departmentName: nil, vendorName: "华康医疗设备技术服务有限公司", teamNames: ["影像设备保障组"], leadsTeams: [], phone: "13570462918"),
        UserSeed(username: "qiu.bin", displayName: "邱斌", roles: ["vendor"],
                 departmentName: nil, vendorName: "华康医疗设备技术服务有限公司", teamNames: ["影像设备保障组"], leadsTeams: [], phone: "13418725063"),
        UserSeed(username: "fanglei", displayName: "方磊", roles: ["vendor"],
                 departmentName: nil, vendorName: "广州恒安机电工程有限公司", teamNames: ["电梯维保组"], leadsTeams: [], phone: "15813275640"),

        // Auditor
        UserSeed(username: "xiewenjing", displayName: "谢文静", roles: ["auditor"],
                 departmentName: "审计科", vendorName: nil, teamNames: [], leadsTeams: [], phone: "13903065827"),

        // Clinical reporters
        UserSeed(username: "zhangwei", displayName: "张伟", roles: ["reporter"],
                 departmentName: "心血管内科", vendorName: nil, teamNames: [], leadsTeams: [], phone: "13827305169"),
        UserSeed(username: "liuyan", displayName: "刘艳", roles: ["reporter"],
                 departmentName: "心血管内科", vendorName: nil, teamNames: [], leadsTeams: [], phone: "13560748231"),
        UserSeed(username: "wangfang", displayName: "王芳", roles: ["reporter"],
                 departmentName: "呼吸与危重症医学科", vendorName: nil, teamNames: [], leadsTeams: [], phone: "18933270456"),
        UserSeed(username: "li.na", displayName: "李娜", roles: ["reporter"],
                 departmentName: "急诊科", vendorName: nil, teamNames: [], leadsTeams: [], phone: "13751084627"),
        UserSeed(username: "chenjing", displayName: "陈静", roles: ["reporter"],
                 departmentName: "重症医学科(EICU)", vendorName: nil, teamNames: [], leadsTeams: [], phone: "13602917384"),
        UserSeed(username: "yangxue", displayName: "杨雪", roles: ["reporter"],
                 departmentName: "儿科", vendorName: nil, teamNames: [], leadsTeams: [], phone: "15918630275"),
        UserSeed(username: "zhoumin", displayName: "周敏", roles: ["reporter"],
                 departmentName: "妇产科", vendorName: nil, teamNames: [], leadsTeams: [], phone: "13922871046"),
        UserSeed(username: "huangxiaoling", displayName: "黄晓玲", roles: ["reporter"],
                 departmentName: "检验科", vendorName: nil, teamNames: [], leadsTeams: [], phone: "13580326914"),
        UserSeed(username: "xu.qing", displayName: "许晴", roles: ["reporter"],
                 departmentName: "病理科", vendorName: nil, teamNames: [], leadsTeams: [], phone: "18825047613"),
        UserSeed(username: "sunpeng", displayName: "孙鹏", roles: ["reporter"],
                 departmentName: "放射科", vendorName: nil, teamNames: [], leadsTeams: [], phone: "13719560842"),
        UserSeed(username: "maxiaohong", displayName: "马晓红", roles: ["reporter"],
                 departmentName: "输血科", vendorName: nil, teamNames: [], leadsTeams: [], phone: "13631802975"),
        UserSeed(username: "gaofeng", displayName: "高峰", roles: ["reporter"],
                 departmentName: "康复医学科", vendorName: nil, teamNames: [], leadsTeams: [], phone: "15017293648"),
        UserSeed(username: "linxue", displayName: "林雪", roles: ["reporter"],
                 departmentName: "静脉用药调配中心", vendorName: nil, teamNames: [], leadsTeams: [], phone: "13826094731"),
        UserSeed(username: "zhangmin", displayName: "张敏", roles: ["reporter"],
                 departmentName: "消毒供应中心", vendorName: nil, teamNames: [], leadsTeams: [], phone: "13430815729"),
        UserSeed(username: "luoqian", displayName: "罗倩", roles: ["reporter"],
                 departmentName: "门诊部", vendorName: nil, teamNames: [], leadsTeams: [], phone: "18718346052"),
        UserSeed(username: "hejiayi", displayName: "何佳怡", roles: ["reporter"],
                 departmentName: "门诊收费处", vendorName: nil, teamNames: [], leadsTeams: [], phone: "13543790268"),
    ]

    // MARK: - Categories

    static let categories: [CategorySeed] = [
        // 信息化
        CategorySeed(domain: "it", name: "硬件终端", defaultTeamName: "信息科运维组",
                     children: ["电脑故障", "打印机故障", "扫码枪/读卡器", "显示器及外设", "自助机故障"]),
        CategorySeed(domain: "it", name: "网络", defaultTeamName: "网络与安全组",
                     children: ["有线网络", "无线网络", "VPN", "网络安全告警"]),
        CategorySeed(domain: "it", name: "业务系统", defaultTeamName: "驻场运维组",
                     children: ["HIS", "电子病历", "PACS", "LIS", "其他系统"]),
        CategorySeed(domain: "it", name: "账号权限", defaultTeamName: "信息科运维组",
                     children: ["密码重置", "权限申请", "账号开通/注销", "CA证书/UKey"]),
        CategorySeed(domain: "it", name: "数据修复", defaultTeamName: "驻场运维组",
                     children: ["业务数据纠错", "接口数据异常", "报表导出"]),

        // 总务后勤
        CategorySeed(domain: "logistics", name: "水电", defaultTeamName: "水电维修组",
                     children: ["漏水", "停电", "照明", "下水道堵塞", "热水供应"]),
        CategorySeed(domain: "logistics", name: "空调暖通", defaultTeamName: "空调暖通组",
                     children: ["空调不制冷/不制热", "空调漏水", "新风/排风", "异响异味"]),
        CategorySeed(domain: "logistics", name: "门窗家具", defaultTeamName: "综合维修组",
                     children: ["门锁故障", "门窗损坏", "桌椅柜体", "窗帘/隔帘"]),
        CategorySeed(domain: "logistics", name: "电梯", defaultTeamName: "电梯维保组",
                     children: ["电梯停运", "困人救援", "运行异响", "按钮/显示故障"]),
        CategorySeed(domain: "logistics", name: "保洁运送", defaultTeamName: "综合维修组",
                     children: ["保洁需求", "医疗废物收运", "标本运送", "病人陪检运送"]),

        // 医学装备
        CategorySeed(domain: "equipment", name: "影像设备", defaultTeamName: "影像设备保障组",
                     children: ["CT", "MR", "DR/X光机", "超声", "DSA"]),
        CategorySeed(domain: "equipment", name: "检验设备", defaultTeamName: "医学装备维修组",
                     children: ["生化分析仪", "血细胞分析仪", "离心机", "生物安全柜/培养箱"]),
        CategorySeed(domain: "equipment", name: "监护与生命支持", defaultTeamName: "医学装备维修组",
                     children: ["监护仪", "呼吸机", "输液泵/注射泵", "除颤仪"]),
        CategorySeed(domain: "equipment", name: "手术室设备", defaultTeamName: "医学装备维修组",
                     children: ["麻醉机", "高频电刀", "无影灯", "腔镜系统"]),
        CategorySeed(domain: "equipment", name: "计量与校准", defaultTeamName: "医学装备维修组",
                     children: ["强检计量", "质控检测", "校准申请"]),
    ]

    // MARK: - Business systems (附件 1–50, in order)

    static let systems: [SystemSeed] = [
        /* 1 */ SystemSeed(name: "EICU重症监护管理系统", code: "EICU", criticality: "core", ownerDepartmentName: "重症医学科(EICU)", vendorName: "广州智医信息技术有限公司"),
        /* 2 */ SystemSeed(name: "病理流程管理系统", code: "PATH", criticality: "important", ownerDepartmentName: "病理科", vendorName: "深圳云影医疗科技有限公司"),
        /* 3 */ SystemSeed(name: "数字切片扫描系统", code: "SLIDE", criticality: "general", ownerDepartmentName: "病理科", vendorName: "深圳云影医疗科技有限公司"),
        /* 4 */ SystemSeed(name: "院感系统维护", code: "HAI", criticality: "important", ownerDepartmentName: "院感办", vendorName: "广州智医信息技术有限公司"),
        /* 5 */ SystemSeed(name: "辅助生殖信息系统", code: "ART", criticality: "important", ownerDepartmentName: "生殖医学中心", vendorName: "广州智医信息技术有限公司"),
        /* 6 */ SystemSeed(name: "惠福抽血室叫号排队系统", code: "QUEUE-HF", criticality: "general", ownerDepartmentName: "检验科", vendorName: "广州智医信息技术有限公司"),
        /* 7 */ SystemSeed(name: "康复科治疗信息采集系统", code: "REHAB", criticality: "general", ownerDepartmentName: "康复医学科", vendorName: "广州智医信息技术有限公司"),
        /* 8 */ SystemSeed(name: "产前诊断信息管理系统", code: "PND", criticality: "important", ownerDepartmentName: "妇产科", vendorName: "广州智医信息技术有限公司"),
        /* 9 */ SystemSeed(name: "医疗输送信息管理系统", code: "TRANSPORT", criticality: "general", ownerDepartmentName: "总务科", vendorName: "广州智医信息技术有限公司"),
        /* 10 */ SystemSeed(name: "医保公医病人申报服务流程管理软件", code: "GY-CLAIM", criticality: "important", ownerDepartmentName: "医保办", vendorName: "广州智医信息技术有限公司"),
        /* 11 */ SystemSeed(name: "儿童保健系统", code: "CHC", criticality: "general", ownerDepartmentName: "儿童保健科", vendorName: "广州智医信息技术有限公司"),
        /* 12 */ SystemSeed(name: "进修生管理系统（子项目1）", code: "TRAINEE", criticality: "general", ownerDepartmentName: "教育处", vendorName: "广州智医信息技术有限公司"),
        /* 13 */ SystemSeed(name: "医保智能审核系统", code: "MI-AUDIT", criticality: "important", ownerDepartmentName: "医保办", vendorName: "广州智医信息技术有限公司"),
        /* 14 */ SystemSeed(name: "中国疾病预防控制信息系统客户端KEY年审费用", code: "CDC-KEY", criticality: "important", ownerDepartmentName: "预防保健科", vendorName: nil),
        /* 15 */ SystemSeed(name: "临床用血管理系统护", code: "BLOOD", criticality: "core", ownerDepartmentName: "输血科", vendorName: "广州康联软件有限公司"),
        /* 16 */ SystemSeed(name: "输血系统优化项目", code: "TRANSFUSION-OPT", criticality: "important", ownerDepartmentName: "输血科", vendorName: "广州康联软件有限公司"),
        /* 17 */ SystemSeed(name: "内镜系统病理标本申请单接口", code: "ENDO-PATH-IF", criticality: "general", ownerDepartmentName: "内镜中心", vendorName: "广州智医信息技术有限公司"),
        /* 18 */ SystemSeed(name: "临床用血管理系统优化项目", code: "BLOOD-OPT", criticality: "important", ownerDepartmentName: "输血科", vendorName: "广州康联软件有限公司"),
        /* 19 */ SystemSeed(name: "传染病流感监测", code: "FLU", criticality: "important", ownerDepartmentName: "预防保健科", vendorName: "广州智医信息技术有限公司"),
        /* 20 */ SystemSeed(name: "医学在线考试系统西医、护理版", code: "EXAM", criticality: "general", ownerDepartmentName: "教育处", vendorName: "广州智医信息技术有限公司"),
        /* 21 */ SystemSeed(name: "传染病报告推送信息系统", code: "ID-REPORT", criticality: "important", ownerDepartmentName: "预防保健科", vendorName: "广州智医信息技术有限公司"),
        /* 22 */ SystemSeed(name: "传染病监测预警管理系统", code: "ID-ALERT", criticality: "important", ownerDepartmentName: "预防保健科", vendorName: "广州智医信息技术有限公司"),
        /* 23 */ SystemSeed(name: "核医学信息管理系统", code: "NM", criticality: "important", ownerDepartmentName: "核医学科", vendorName: "深圳云影医疗科技有限公司"),
        /* 24 */ SystemSeed(name: "中国医院药物警戒系统运维服务", code: "CHPS", criticality: "general", ownerDepartmentName: "药学部", vendorName: nil),
        /* 25 */ SystemSeed(name: "计财处微信公众号二期项目", code: "FIN-WECHAT", criticality: "general", ownerDepartmentName: "计划财务处", vendorName: "粤信银医科技有限公司"),
        /* 26 */ SystemSeed(name: "办公自动化系统", code: "OA", criticality: "important", ownerDepartmentName: "院办", vendorName: "广州智医信息技术有限公司"),
        /* 27 */ SystemSeed(name: "实验室信息化管理系统", code: "LIMS", criticality: "general", ownerDepartmentName: "科研处", vendorName: "广州康联软件有限公司"),
        /* 28 */ SystemSeed(name: "电子票据系统运维服务", code: "EBILL", criticality: "important", ownerDepartmentName: "计划财务处", vendorName: "粤信银医科技有限公司"),
        /* 29 */ SystemSeed(name: "消毒供应室追溯管理系统", code: "CSSD", criticality: "important", ownerDepartmentName: "消毒供应中心", vendorName: "广州智医信息技术有限公司"),
        /* 30 */ SystemSeed(name: "II-IV期全流程临床试验信息化管理系统采购软件", code: "CTMS", criticality: "general", ownerDepartmentName: "科研处", vendorName: "广州智医信息技术有限公司"),
        /* 31 */ SystemSeed(name: "静脉配置中心信息系统及配套硬件", code: "PIVAS", criticality: "core", ownerDepartmentName: "静脉用药调配中心", vendorName: "广州康联软件有限公司"),
        /* 32 */ SystemSeed(name: "门（急）诊输液中心管理系统", code: "INFUSION", criticality: "important", ownerDepartmentName: "门诊部", vendorName: "广州智医信息技术有限公司"),
        /* 33 */ SystemSeed(name: "检验LIS集成系统", code: "LIS", criticality: "core", ownerDepartmentName: "检验科", vendorName: "广州康联软件有限公司"),
        /* 34 */ SystemSeed(name: "物资库存及监管系统", code: "MATERIAL", criticality: "important", ownerDepartmentName: "总务科", vendorName: "广州智医信息技术有限公司"),
        /* 35 */ SystemSeed(name: "智慧财务I期（银医）", code: "SMART-FIN", criticality: "important", ownerDepartmentName: "计划财务处", vendorName: "粤信银医科技有限公司"),
        /* 36 */ SystemSeed(name: "眼科影像信息管理系统（银医）", code: "OPH-IMG", criticality: "general", ownerDepartmentName: "眼科", vendorName: "深圳云影医疗科技有限公司"),
        /* 37 */ SystemSeed(name: "一体化预约系统支撑体系（银医）", code: "APPT", criticality: "core", ownerDepartmentName: "门诊部", vendorName: "粤信银医科技有限公司"),
        /* 38 */ SystemSeed(name: "科研数据备案管理系统", code: "RES-DATA", criticality: "general", ownerDepartmentName: "科研处", vendorName: "广州智医信息技术有限公司"),
        /* 39 */ SystemSeed(name: "医德医风考评系统", code: "ETHICS", criticality: "general", ownerDepartmentName: "医务部", vendorName: "广州智医信息技术有限公司"),
        /* 40 */ SystemSeed(name: "医保综合管理系统", code: "MI-MGMT", criticality: "important", ownerDepartmentName: "医保办", vendorName: "广州智医信息技术有限公司"),
        /* 41 */ SystemSeed(name: "中英文网站", code: "WEBSITE", criticality: "general", ownerDepartmentName: "院办", vendorName: "广州智医信息技术有限公司"),
        /* 42 */ SystemSeed(name: "产科电子病历系统", code: "OB-EMR", criticality: "core", ownerDepartmentName: "妇产科", vendorName: "广州智医信息技术有限公司"),
        /* 43 */ SystemSeed(name: "大成手麻系统", code: "ANES", criticality: "core", ownerDepartmentName: "麻醉科", vendorName: "广州康联软件有限公司"),
        /* 44 */ SystemSeed(name: "医用耗材阳光管控系统", code: "CONSUMABLE", criticality: "important", ownerDepartmentName: "医学装备部", vendorName: "广州智医信息技术有限公司"),
        /* 45 */ SystemSeed(name: "治疗预约评估管理系统", code: "TX-APPT", criticality: "general", ownerDepartmentName: "康复医学科", vendorName: "广州智医信息技术有限公司"),
        /* 46 */ SystemSeed(name: "药品库存管理平台", code: "DRUG-STOCK", criticality: "important", ownerDepartmentName: "药学部", vendorName: "广州智医信息技术有限公司"),
        /* 47 */ SystemSeed(name: "临床数据与样本资源库管理系统", code: "BIOBANK", criticality: "general", ownerDepartmentName: "科研处", vendorName: "广州智医信息技术有限公司"),
        /* 48 */ SystemSeed(name: "PACS、RIS系统平台建设服务软件", code: "PACS-RIS", criticality: "core", ownerDepartmentName: "放射科", vendorName: "深圳云影医疗科技有限公司"),
        /* 49 */ SystemSeed(name: "科研管理综合服务平台", code: "RES-MGMT", criticality: "general", ownerDepartmentName: "科研处", vendorName: "广州智医信息技术有限公司"),
        /* 50 */ SystemSeed(name: "“银医通”二期项目软件", code: "YYT2", criticality: "core", ownerDepartmentName: "门诊收费处", vendorName: "粤信银医科技有限公司"),
    ]
}
