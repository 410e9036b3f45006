import Testing
@testable import YiweiText

@Suite("CSV reader: what Excel and WPS write")
struct CSVReaderTests {
    @Test("quotes, doubled quotes, commas and line breaks inside fields, CRLF, empty fields, empty lines")
    func rfc4180() throws {
        let text = "工单号,标题,描述\r\nHIS-1,\"打印机,卡纸\",\"他说\"\"不行\"\"\r\n第二行\"\r\n\r\nHIS-2,,\n"
        #expect(try CSVReader.parse(text) == [["工单号", "标题", "描述"], ["HIS-1", "打印机,卡纸", "他说\"不行\"\r\n第二行"], ["HIS-2", "", ""]])
        #expect(try CSVReader.parse("a,b") == [["a", "b"]])          // no line end at the end
        #expect(try CSVReader.parse("\"\"") == [[""]])               // one quoted empty field is a record
        #expect(try CSVReader.parse("") == [])
        #expect(throws: CSVReader.Problem.unclosedQuote(line: 2)) { try CSVReader.parse("a\n\"b,c\nd") }
    }

    @Test("UTF-8 with a byte-order mark, and GB 18030 as Excel on a Chinese Windows saves it")
    func encodings() throws {
        #expect(try CSVReader.decode([0xEF, 0xBB, 0xBF] + Array("工单".utf8)) == "工单")
        #expect(try CSVReader.decode([0xB9, 0xA4, 0xB5, 0xA5, 0x2C, 0x41]) == "工单,A") // 工单,A in GBK
        #expect(try CSVReader.decode(Array("plain,ascii".utf8)) == "plain,ascii")
    }
}
