// Checks Yiwei's own QR encoder (ISO/IEC 18004:2015) against an independent implementation.
//
// Every expected matrix, version, mask and hash below comes from python-qrcode 8.2 (PyPI `qrcode`),
// letting it choose version and mask itself, with byte mode forced and no border:
//
//     q = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
//     q.add_data(qrcode.util.QRData(data, mode=qrcode.util.MODE_8BIT_BYTE))
//     q.make(fit=True)                                # q.version, q.modules; mask: q.best_mask_pattern()
//
// Each matrix was also regenerated with qrcode.QRCode(version=v, mask_pattern=m, ...) forced to our
// choices, and was identical. So matching these fixtures checks codewords, Reed–Solomon, interleaving,
// placement, masking and format/version information, and also our version and mask selection.
// Rows are hex, leftmost module in the highest bit, 1 = dark, padded on the right with light modules.
//
// python-qrcode evaluates masks with the format and version areas still light, and scores the
// 1:1:3:1:1 rule only where the four light modules lie inside the symbol (see Symbol.penalty()).
// The standard leaves the quiet zone's part in that rule open; encoders that count it as light
// (segno, ZXing) pick a different mask for many inputs (segno: about 60 % of 400 random ones). Such
// symbols differ from ours only in mask and format bits and are just as valid.

import Testing
@testable import YiweiText

@Suite("QR code encoder")
struct QRCodeTests {
    struct Matrix: Sendable, CustomTestStringConvertible {
        let text: String
        let correction: QRCode.Correction
        let version: Int
        let mask: Int
        let rows: String
        var testDescription: String { "\(text.utf8.count) bytes, level \(correction)" }
    }

    /// The module matrix as hex rows in the fixtures' notation.
    static func hexRows(_ code: QRCode) -> [String] {
        (0..<code.size).map { y in
            stride(from: 0, to: code.size, by: 4).map { x in
                String((0..<4).reduce(0) { $0 << 1 | (code.isDark(x: x + $1, y: y) ? 1 : 0) }, radix: 16)
            }.joined()
        }
    }

    /// The first module (x, y) where the code differs from the hex rows, or nil.
    static func firstDifference(_ code: QRCode, _ rows: [String]) -> (x: Int, y: Int)? {
        for (y, row) in rows.enumerated() {
            for (index, digit) in row.enumerated() {
                let nibble = Int(String(digit), radix: 16)!
                for bit in 0..<4 where index * 4 + bit < code.size {
                    let x = index * 4 + bit
                    if code.isDark(x: x, y: y) != (nibble >> (3 - bit) & 1 == 1) { return (x, y) }
                }
            }
        }
        return nil
    }

    @Test("matches python-qrcode module for module", arguments: matrices)
    func matchesReference(_ expected: Matrix) throws {
        let code = try QRCode(text: expected.text, correction: expected.correction)
        #expect(code.version == expected.version)
        #expect(code.mask == expected.mask)
        let rows = expected.rows.split(separator: "\n").map(String.init)
        try #require(code.size == rows.count)
        let difference = Self.firstDifference(code, rows)
        #expect(difference == nil, "first differing module at \(String(describing: difference))")
        #expect(Self.hexRows(code) == rows)
    }

    @Test("forcing the reference's version and mask draws the same symbol", arguments: matrices)
    func forcedChoices(_ expected: Matrix) throws {
        let code = try QRCode(bytes: Array(expected.text.utf8), correction: expected.correction,
                              version: expected.version, mask: expected.mask)
        #expect(Self.hexRows(code) == expected.rows.split(separator: "\n").map(String.init))
    }

    static let matrices: [Matrix] = [
        // short ASCII, 5 bytes, level L: version 1 (21×21), mask 2
        Matrix(text: "Yiwei", correction: .low, version: 1, mask: 2, rows: """
            fe3bf8
            82ea08
            ba3ae8
            bacae8
            ba4ae8
            829208
            feabf8
            004000
            fb9550
            f9de08
            36ab70
            6cde70
            ff6948
            00a970
            fe94d0
            8241f0
            baf490
            baff60
            baeb60
            82fe60
            fea990
            """),
        // short ASCII, 5 bytes, level M: version 1 (21×21), mask 7
        Matrix(text: "Yiwei", correction: .medium, version: 1, mask: 7, rows: """
            fe5bf8
            822a08
            ba3ae8
            ba2ae8
            ba2ae8
            82fa08
            feabf8
            007800
            96a500
            6da278
            f6ec68
            411048
            ef4ac0
            00b190
            fe0510
            82dd80
            ba7388
            bab158
            ba68e8
            820680
            fed850
            """),
        // short ASCII, 5 bytes, level Q: version 1 (21×21), mask 2
        Matrix(text: "Yiwei", correction: .quartile, version: 1, mask: 2, rows: """
            feb3f8
            823a08
            ba2ae8
            ba2ae8
            baf2e8
            82a208
            feabf8
            002800
            7f2188
            f07608
            4a3b70
            e95670
            161148
            009970
            fefcd0
            8291f0
            bab490
            babf60
            bacb60
            829e60
            fe2990
            """),
        // short ASCII, 5 bytes, level H: version 1 (21×21), mask 5
        Matrix(text: "Yiwei", correction: .high, version: 1, mask: 5, rows: """
            fed3f8
            824a08
            bacae8
            ba4ae8
            baaae8
            822a08
            feabf8
            008000
            065aa8
            f13d80
            467570
            688570
            1bc390
            00b670
            fe22d0
            82a878
            ba3c90
            ba4660
            ba1fb8
            823b60
            fe5d90
            """),
        // repair-request URL, 72 bytes, level L: version 4 (33×33), mask 2
        Matrix(text: "http://10.1.2.3:8080/portal/new?location=%E9%97%A8%E8%AF%8A3F&system=LIS", correction: .low, version: 4, mask: 2, rows: """
            fe4251bf8
            82ddaaa08
            ba730e2e8
            bad363ae8
            ba29a92e8
            82a70a208
            feaaaabf8
            00090c800
            fbece2d50
            18c055718
            625faea80
            08f18e320
            4a5f7a080
            186a17758
            c6a542bd0
            31fa9f8a0
            97e770190
            d487bb758
            77418a1d0
            3d6b1f120
            ff1f138d0
            a9c3b9738
            96cdaebf0
            a483848a0
            bb7f72fc8
            00a2598a8
            fec323ab0
            82612f8a0
            baf6eaf88
            bad83d1c0
            baa389710
            82e386020
            fe9f02950
            """),
        // repair-request URL, 72 bytes, level M: version 5 (37×37), mask 4
        Matrix(text: "http://10.1.2.3:8080/portal/new?location=%E9%97%A8%E8%AF%8A3F&system=LIS", correction: .medium, version: 5, mask: 4, rows: """
            fe94592bf8
            8202d22208
            ba10e79ae8
            bad2a1c2e8
            bae06552e8
            82ae5aea08
            feaaaaabf8
            00e68c2800
            8bdb8cafc8
            688a3312d0
            0bc9171520
            c17bfd9570
            72444e2a78
            81ed2551c0
            ca9b4dd970
            dd5f7ca020
            1fc9235360
            30fa9d75b0
            fb88cd9a20
            25346606f0
            4b6fd4a260
            e8794d5590
            a7bdad7ff0
            a8701f0de0
            2b019a2278
            f1b03529c0
            22b7719500
            0db5dd1870
            df94472fa0
            00d5a558a8
            feff4feac0
            820c6c98e0
            baff3b0fb8
            ba7adf4b48
            ba10c98620
            82147619b0
            fea75eb618
            """),
        // repair-request URL, 72 bytes, level Q: version 6 (41×41), mask 1
        Matrix(text: "http://10.1.2.3:8080/portal/new?location=%E9%97%A8%E8%AF%8A3F&system=LIS", correction: .quartile, version: 6, mask: 1, rows: """
            fe5d9934bf8
            8261a52ca08
            ba727af5ae8
            bae51f272e8
            ba525aa4ae8
            82ef6568208
            feaaaaaabf8
            00ba0b98800
            62792f2a340
            75b03ef5138
            a34cddd92f8
            043bb412350
            ce852819608
            f49f9e09b08
            7ab1fb51468
            4496042a390
            07aa8faa650
            99072af1278
            0bd5277d798
            1d76d220a40
            d770e941bd0
            f85085b5f28
            b39f2f31268
            78ed3c38440
            ab2c0333770
            f526ef77648
            721289992f8
            19b77239bc8
            62da4c80308
            306eb8d1f68
            d68d1af5188
            28fd798b640
            ce26aca5f88
            00cb9a908f8
            fe0fcd34ad8
            822478a2880
            ba366ff1f98
            ba2d6fd9180
            bad9fb374a8
            82ff730ac00
            fe68713ae88
            """),
        // repair-request URL, 72 bytes, level H: version 8 (49×49), mask 6
        Matrix(text: "http://10.1.2.3:8080/portal/new?location=%E9%97%A8%E8%AF%8A3F&system=LIS", correction: .high, version: 8, mask: 6, rows: """
            fe32139030bf8
            820d6eb3eba08
            bab7a6b2d5ae8
            baeefb54ed2e8
            ba3e1ffa142e8
            82295e2102208
            feaaaaaaaabf8
            004e463a5b800
            1b359fe0a9060
            95b00e3e3ebe8
            7ad6bde73b1e8
            a13c829664fa8
            c2e207fded3c8
            bca98f12d2220
            57167a264a438
            5cd4e1a24d370
            b755ac0e68280
            b9eb72334ee00
            f70fc9e16eb78
            cc7583b400240
            866c9c7c3b210
            3c4e04e32aaa0
            7fe34ffcedfa8
            d8def631678b8
            9ad802b9e8a90
            4886d620d28e8
            afc9bffb53fd8
            d09b66d0c3de8
            9387e62bbdee0
            10d406cd7d7f8
            5b9790285df28
            799ca7f7afc18
            1e633eb4f1d08
            8c241986225e0
            47ff505b64a98
            a8bd542fe1ca8
            bba1bbdda9d00
            f1f6901ada780
            4611557ec2a08
            71a6110ca3c28
            e22033f19ffc0
            00d10e3d388f0
            fe961eacb2af8
            82590224768c0
            bad563f358f88
            baba57d03ab08
            ba46d50b3c9e8
            82702f26b0338
            fe709768ae688
            """),
        // Chinese text, 3 UTF-8 bytes per character, 24 bytes, level L: version 2 (25×25), mask 2
        Matrix(text: "门诊收费处打印机", correction: .low, version: 2, mask: 2, rows: """
            fe433f8
            82dca08
            ba772e8
            bad62e8
            ba292e8
            82a2208
            feaabf8
            000e800
            fbe9550
            71449e0
            1bda0c0
            f977b30
            f2d51f8
            f8ab4f8
            bb60640
            a4edb78
            9b2ffe0
            00e18a0
            febeab0
            82758e8
            bad8fc0
            ba8e178
            baea4e8
            82dd8a8
            feb4f78
            """),
        // Chinese text, 3 UTF-8 bytes per character, 24 bytes, level M: version 2 (25×25), mask 1
        Matrix(text: "门诊收费处打印机", correction: .medium, version: 2, mask: 1, rows: """
            feadbf8
            8225a08
            ba91ae8
            ba472e8
            ba17ae8
            82db208
            feaabf8
            007f800
            a34f928
            9135ba8
            be94d70
            d45e978
            53a3c48
            15c26b0
            d236bf0
            0464930
            d679fd0
            00e88e8
            fee8a80
            827c8a0
            ba6eff0
            ba47330
            bafc958
            8254ae0
            fe822c8
            """),
        // Chinese text, 3 UTF-8 bytes per character, 24 bytes, level Q: version 3 (29×29), mask 4
        Matrix(text: "门诊收费处打印机", correction: .quartile, version: 3, mask: 4, rows: """
            fe52b3f8
            826a0a08
            baf49ae8
            ba609ae8
            baa88ae8
            82ca2a08
            feaaabf8
            000e6000
            4a9ea5a0
            d0d25c70
            2f854df0
            8deba468
            279c5ec8
            1098e230
            c72530f0
            fdf39ea8
            fefb9a48
            e82c3728
            128f7340
            29e5bd38
            da8a6fe8
            00b7a8c0
            fe54da90
            821568f0
            babe2fd0
            ba689a10
            ba60f3d8
            82e60538
            fe6f3a10
            """),
        // Chinese text, 3 UTF-8 bytes per character, 24 bytes, level H: version 3 (29×29), mask 7
        Matrix(text: "门诊收费处打印机", correction: .high, version: 3, mask: 7, rows: """
            fe8e1bf8
            82e77208
            ba6e2ae8
            babd0ae8
            bacecae8
            82ca4a08
            feaaabf8
            0050c000
            125379d8
            3d82d680
            8a3ecb68
            49e6c640
            f2920ca0
            49de3dd0
            c74fd660
            049e88e0
            52fafbd0
            4817a4b8
            b6b5ffb0
            3800c5f8
            aba5afa0
            00aaa8f8
            fe3a2af8
            825e7880
            ba639f80
            bacd05c8
            ba269728
            8229eb70
            fe595470
            """),
        // 200-byte URL, 200 bytes, level L: version 9 (53×53), mask 4
        Matrix(text: "http://yiwei.hospital.local:8080/portal/new?location=%E9%97%A8%E8%AF%8A%E5%A4%A7%E6%A5%BC3F%E6%94%B6%E8%B4%B9%E5%A4%84&asset=PRN-2024-000123&system=HIS&category=printer&reporter=nurse-station-7&ref=qr", correction: .low, version: 9, mask: 4, rows: """
            fe87ffdbcae3f8
            8292eda1383208
            bad4434b9d52e8
            baed5ba843eae8
            ba7e18ff5be2e8
            828f4889e46208
            feaaaaaaaaabf8
            000d6d89cc2000
            ce4759ffdf5178
            c81a21aedbecf8
            26cc8ecc5265d8
            f8bd9a1bb8ded8
            870fe1d0994280
            9c803f06c339c8
            7a8f50eb5370a8
            8c6b9548194190
            1e602fd6fb57d0
            c12ff9bad26c78
            6a7552cb53e8e8
            a9146348a99fd8
            e2a63066db0090
            191d5b8fca7808
            aed8af3b1720f8
            f9dcf20e9e4798
            2fcf59fbbf7fd0
            f8d2248a17e8f8
            9abc8aaf0a6ae8
            78f5fb8dedc8d8
            7f9aa4f8bf5fd0
            41fe19471b7698
            8ad7d1924a3a78
            aca295c99f31d8
            77982ee7d83888
            b9c7f9968a3bb8
            cf4917fccba7c8
            096404cdac7958
            029ffce4aa7008
            6540290e5b79d8
            526937479a2a58
            3895f20dbe7448
            6bc7587fdc1dd0
            4d9a25c6d239a8
            dff48fc56b2708
            60f79978ed5d18
            129830feb95f88
            00d75f8bc378c8
            fe2cc8ae52aad8
            82cc9488ac78d8
            bae22ef9ca3f90
            ba79f872922200
            ba57762e87a240
            828c4143af12d8
            febcbdb6d927b0
            """),
        // 200-byte URL, 200 bytes, level M: version 10 (57×57), mask 7
        Matrix(text: "http://yiwei.hospital.local:8080/portal/new?location=%E9%97%A8%E8%AF%8A%E5%A4%A7%E6%A5%BC3F%E6%94%B6%E8%B4%B9%E5%A4%84&asset=PRN-2024-000123&system=HIS&category=printer&reporter=nurse-station-7&ref=qr", correction: .medium, version: 10, mask: 7, rows: """
            fe47a7faba3b3f8
            82388b0a8231208
            ba75e99330ab2e8
            ba7aa9a110612e8
            ba54b6fec33d2e8
            8288e4a3b4b2208
            feaaaaaaaaaabf8
            001efa63bc7c000
            96c0c37f0cb6500
            7975d86dc989508
            33490f39ee5ed78
            4502afa24bc2300
            b698948afab8798
            8c1706ed219f428
            763d13290a456b0
            c89064be9fa87d0
            7b978477df5c550
            59ca9278db55680
            aa261e0dcbcd0b8
            1171d143b76e810
            ab94b6fc6da74d0
            dc341e4344c4178
            c65b47a3b9d7838
            8cad7df980d4bd0
            6f85794b3af91d0
            e9780b1ca08a1b8
            6f9c8aff9b7df80
            58a9b022b948880
            ba8cc46adb4fa98
            289eca221e498c0
            8fe7c4ff55d1ff8
            694c1cce9c58290
            afdf96e22cb7f70
            f80b4341581d150
            c2210d86ee4a680
            90e68251ec9f118
            0356b32fbfde348
            59f810253c97ba8
            2b831e872c15910
            71524c6e998cb18
            d76f595dc95a0d8
            503a4e65960c058
            26e250ce201d338
            a488aa1a370ea08
            af53afe66ba5500
            214756618040c30
            a6d025abbd53a28
            f93c91654dd1c48
            02acb47ffaaef98
            009c8c23b1928c8
            fe4188eb4251ad0
            82ce8b62ed18898
            ba38f0bfbd3dfa0
            ba8ed78ece41a98
            ba7a1e6cdd8afa8
            82757888f94b540
            feeb87487fe3890
            """),
        // 200-byte URL, 200 bytes, level Q: version 12 (65×65), mask 1
        Matrix(text: "http://yiwei.hospital.local:8080/portal/new?location=%E9%97%A8%E8%AF%8A%E5%A4%A7%E6%A5%BC3F%E6%94%B6%E8%B4%B9%E5%A4%84&asset=PRN-2024-000123&system=HIS&category=printer&reporter=nurse-station-7&ref=qr", correction: .quartile, version: 12, mask: 1, rows: """
            fe1841091baa753f8
            827f9e32e37a64a08
            ba2f2f7543461eae8
            bae0c826dd02572e8
            ba345f03e7b36cae8
            82a3f80a3e2672208
            feaaaaaaaaaaaabf8
            00c015e22409a1000
            6215a1e7e66dac340
            3959e89540d550408
            4eaf6c6c7c4cb8cb8
            f951f6e11ddc49598
            823c335f2ebaaf688
            518b292a2145dd4c8
            2aee0532a4fd9a058
            748da9266dda7ff80
            4339063a66bebb4c0
            b8c9f458689001588
            b34f9b21e5d900588
            71746150c1deb9dc0
            c2bc4525edd8ac288
            44d704e4811558500
            caaa479dd1cd45880
            cdbd86f313d9aa3c0
            e7af3bfea3fbdb798
            7d74c8df38100d108
            37820058c14d85cd8
            21869c2be98c8b450
            53dd9ec89dfcac2c8
            2d6e74f14d11c9178
            cfa4834be9049cfa8
            e8a5504e29ddc08c0
            7ac39a86ab8ac8a98
            d89095fa2158848b8
            afbc004ffbc4d5fe8
            306ab842f4ed8ff48
            73bc103b9baedf448
            d123ab2a2d49cc818
            9604610cdf44656a8
            31e24572c598a2a50
            87f7e14924baaf358
            ad43f7d634cc90978
            260040f4fd88ccf18
            70ba834d79fd88fc8
            4eca2f42408fdb358
            0dae5ff901d410840
            424caf600d8d89ba8
            7c2a909d166c053d0
            9aad2024eb8a8fa68
            ad19c5cce4c511958
            575e81c4518ccdb98
            25605e71d1db88a90
            cff75df310bbed650
            cc98019e6491dcd48
            36e19f950405c7228
            91d1cec4d7c1cf650
            6ac4cde3e4af8bff8
            0088750a37d115898
            fe7651caa66cdea88
            823d65de2bc6ad8d0
            ba54f84bebacbdfd0
            ba7684da2c105cca0
            bae7e145bf8880eb8
            82863e4e73c5ae540
            fe1fb75f49abe8108
            """),
        // 200-byte URL, 200 bytes, level H: version 15 (77×77), mask 2
        Matrix(text: "http://yiwei.hospital.local:8080/portal/new?location=%E9%97%A8%E8%AF%8A%E5%A4%A7%E6%A5%BC3F%E6%94%B6%E8%B4%B9%E5%A4%84&asset=PRN-2024-000123&system=HIS&category=printer&reporter=nurse-station-7&ref=qr", correction: .high, version: 15, mask: 2, rows: """
            fef95ffe38b128fb83f8
            82c96c10fa4ee66daa08
            baab9bf0e99ca4c24ae8
            ba60c49797531ce10ae8
            ba2f5cfdd227fae2fae8
            8299ca8f6ec22e0c6208
            feaaaaaaaaaaaaaaabf8
            00d36b8a5c6a22e2f000
            3aacbcfd395bf6c5bf38
            c43451f3a43880e0ae98
            02adf044929d360ae540
            dc89ab9712492b602398
            3e5ec702877edec719d0
            ad148ed6a5da61c00c98
            1e8c260fa6000464e100
            9dce2a7cda0f4b70a6e8
            6658fed49d47c0439a10
            943c23c7262923e202c8
            fa27649374915c05e140
            c9412ba44e9057783ad8
            1be456e7df33fc8b19a0
            19598f6d0940f2690078
            4f8da2ce75de95050880
            3d88712a63fc9d93a3c0
            dfa687ff810fe0c00fa0
            08f3bc8ad3be29e898e8
            aab338af4d92af3c1ae0
            88a0a2887f562d5f28c0
            ef94c0fb6777f4017ff8
            c478e2c44db34e501b88
            0f918bf9ba9bd81bd9f0
            e8b74eaa5ab4eba0f0d8
            8af55614226472b993b0
            fc745884c358207119d8
            8f38227e312f7237fff0
            806cd5ada383858ad490
            b22ebb7b32a512a31ba0
            915f1b7f99ebe0080598
            236164972cedb56fe9d0
            f40f0d58861facd0d510
            471529b16adc7143a1a0
            dc13312e0c3f3be987d8
            bb987fa5e46dbfd67cb0
            2180daccf1020e35d118
            f688dd922dce7ca7cba0
            b4c0078ce806c0658248
            4fc34efbfbdff42acfd0
            b88ac18e3dea3d701880
            5aa792a90f96a0691ae0
            58d7248cdfae2bdb28d0
            3f96c2f86f7bed21dfc0
            2903f1c93bb63386aed0
            1f8f7a0bad8138c5a018
            4dee444f99d7d0c997c8
            b67c5a8a75165795c530
            d00cd74c706dc1f80b40
            9f2003c669f8d829a838
            c92f5a9734dc89e99e98
            8a51473c6f5d7f07a980
            e9d770717c39a9e41408
            e63806e5d984b8610068
            793a2de030acf9e03798
            7bf5e03a1a23189d48e0
            85dad6be672dcb67c450
            ce1dd54148c77847d0f0
            95bdf1877d2a79619758
            4f61a0e32acc5e6f4460
            0874b91c3437c8c5c958
            7b1e0efb0dfffe438fa8
            00f19289e78a3363b898
            fe088fab3c12be057aa0
            824c328f80fa2d7dc8c8
            bab117f8c517f2218fa0
            baedcf82b86daad9b450
            bafb294b6e5afe0d63d0
            8275e5086ebda518f990
            fe2371714e29984bc1a0
            """),
    ]

    /// One symbol per version and level, filled to exactly its byte capacity, so that the smallest
    /// fitting version is that version. Comparing a hash keeps 160 symbols (up to 177×177) out of the
    /// source; the matrices above are the ones to read by hand.
    struct Full: Sendable, CustomTestStringConvertible {
        let version: Int
        let correction: QRCode.Correction
        let capacity: Int
        let mask: Int
        let hash: UInt64
        var testDescription: String { "version \(version)-\(correction)" }

        /// Deterministic, non-repeating-looking bytes; the same formula made the reference symbols.
        var payload: [UInt8] {
            let level = QRCode.Correction.allCases.firstIndex(of: correction)!
            return (0..<capacity).map { UInt8((($0 * 37) + version * 11 + level * 101) & 0xFF) }
        }
    }

    /// FNV-1a (64-bit) over the modules row by row, one byte (0 or 1) per module.
    static func fnv1a(_ code: QRCode) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for y in 0..<code.size {
            for x in 0..<code.size {
                hash ^= code.isDark(x: x, y: y) ? 1 : 0
                hash = hash &* 0x100_0000_01b3
            }
        }
        return hash
    }

    @Test("every version and level at full capacity matches python-qrcode", arguments: fullSymbols)
    func everyVersion(_ expected: Full) throws {
        #expect(QRCode.byteCapacity(version: expected.version, correction: expected.correction) == expected.capacity)
        let code = try QRCode(bytes: expected.payload, correction: expected.correction)
        #expect(code.version == expected.version)
        #expect(code.size == 17 + 4 * expected.version)
        #expect(code.mask == expected.mask)
        #expect(Self.fnv1a(code) == expected.hash)
    }

    // (version, level, byte capacity, mask python-qrcode chose, FNV-1a of its matrix)
    static let fullSymbols: [Full] = [
        Full(version: 1, correction: .low, capacity: 17, mask: 1, hash: 0x4fac2676b37b54c1),
        Full(version: 1, correction: .medium, capacity: 14, mask: 1, hash: 0x4765ff3fe8b036ed),
        Full(version: 1, correction: .quartile, capacity: 11, mask: 3, hash: 0x36647ca037a96ded),
        Full(version: 1, correction: .high, capacity: 7, mask: 1, hash: 0x43f71209c8f67ce9),
        Full(version: 2, correction: .low, capacity: 32, mask: 0, hash: 0x503a3676351ac0f9),
        Full(version: 2, correction: .medium, capacity: 26, mask: 4, hash: 0xeaad0018a3cb8d37),
        Full(version: 2, correction: .quartile, capacity: 20, mask: 0, hash: 0xe86af84873830c8d),
        Full(version: 2, correction: .high, capacity: 14, mask: 4, hash: 0x51aa33405b9ceeb5),
        Full(version: 3, correction: .low, capacity: 53, mask: 5, hash: 0x30d5e873b596a2e4),
        Full(version: 3, correction: .medium, capacity: 42, mask: 1, hash: 0x4547304586cd8f1b),
        Full(version: 3, correction: .quartile, capacity: 32, mask: 4, hash: 0xfd799a390b2cd00e),
        Full(version: 3, correction: .high, capacity: 24, mask: 7, hash: 0x030be94683da5aa1),
        Full(version: 4, correction: .low, capacity: 78, mask: 6, hash: 0x0a7f384eac8998ba),
        Full(version: 4, correction: .medium, capacity: 62, mask: 3, hash: 0x1348ba840130c246),
        Full(version: 4, correction: .quartile, capacity: 46, mask: 7, hash: 0xa968651f8112b382),
        Full(version: 4, correction: .high, capacity: 34, mask: 7, hash: 0x0c7f861c1d2f98fa),
        Full(version: 5, correction: .low, capacity: 106, mask: 6, hash: 0x1bf94f2f01c4dc63),
        Full(version: 5, correction: .medium, capacity: 84, mask: 0, hash: 0xf43a33fb1f3251a5),
        Full(version: 5, correction: .quartile, capacity: 60, mask: 4, hash: 0x62394e430072084b),
        Full(version: 5, correction: .high, capacity: 44, mask: 1, hash: 0x8f2bc3cfdccf4701),
        Full(version: 6, correction: .low, capacity: 134, mask: 4, hash: 0xe566f42830dc4f60),
        Full(version: 6, correction: .medium, capacity: 106, mask: 5, hash: 0xc786fbfc08acd0d6),
        Full(version: 6, correction: .quartile, capacity: 74, mask: 3, hash: 0xfefd0ebcbbc91d7d),
        Full(version: 6, correction: .high, capacity: 58, mask: 4, hash: 0xa99292516bc60922),
        Full(version: 7, correction: .low, capacity: 154, mask: 4, hash: 0xa55bd86ace5503fd),
        Full(version: 7, correction: .medium, capacity: 122, mask: 4, hash: 0x5609ce7d07713de5),
        Full(version: 7, correction: .quartile, capacity: 86, mask: 1, hash: 0x7376029a563f07fe),
        Full(version: 7, correction: .high, capacity: 64, mask: 3, hash: 0x62c5e11cbe46adcd),
        Full(version: 8, correction: .low, capacity: 192, mask: 6, hash: 0x50946c6c0f0e034d),
        Full(version: 8, correction: .medium, capacity: 152, mask: 1, hash: 0x62ce53a7a90039dc),
        Full(version: 8, correction: .quartile, capacity: 108, mask: 1, hash: 0xcbeae417ef8584d2),
        Full(version: 8, correction: .high, capacity: 84, mask: 6, hash: 0xe48ccd09054bf327),
        Full(version: 9, correction: .low, capacity: 230, mask: 5, hash: 0x8038bfe4c37067d6),
        Full(version: 9, correction: .medium, capacity: 180, mask: 2, hash: 0xd58eec0454dc43cb),
        Full(version: 9, correction: .quartile, capacity: 130, mask: 7, hash: 0x01af6a5bae2acba0),
        Full(version: 9, correction: .high, capacity: 98, mask: 2, hash: 0x01bc18bd35a21c87),
        Full(version: 10, correction: .low, capacity: 271, mask: 1, hash: 0xbd5e61e214a3bf42),
        Full(version: 10, correction: .medium, capacity: 213, mask: 2, hash: 0x1cbe9df855ea9d43),
        Full(version: 10, correction: .quartile, capacity: 151, mask: 1, hash: 0xa5b84c9fae3b29d6),
        Full(version: 10, correction: .high, capacity: 119, mask: 4, hash: 0x2fa4dfceb9358135),
        Full(version: 11, correction: .low, capacity: 321, mask: 3, hash: 0x7bf3866367238181),
        Full(version: 11, correction: .medium, capacity: 251, mask: 3, hash: 0xfc48c4cf2fae88bb),
        Full(version: 11, correction: .quartile, capacity: 177, mask: 7, hash: 0xb1e6d675d9f54d8d),
        Full(version: 11, correction: .high, capacity: 137, mask: 3, hash: 0x69034c95e895072d),
        Full(version: 12, correction: .low, capacity: 367, mask: 2, hash: 0x8320c0632c34e72d),
        Full(version: 12, correction: .medium, capacity: 287, mask: 0, hash: 0xb5acc07f7f37cac5),
        Full(version: 12, correction: .quartile, capacity: 203, mask: 4, hash: 0xe3114f140deeaf51),
        Full(version: 12, correction: .high, capacity: 155, mask: 5, hash: 0xe9d3c941f78985f2),
        Full(version: 13, correction: .low, capacity: 425, mask: 6, hash: 0x9155889e677c96b5),
        Full(version: 13, correction: .medium, capacity: 331, mask: 6, hash: 0x787bc694a161dbfd),
        Full(version: 13, correction: .quartile, capacity: 241, mask: 0, hash: 0x2f0fe218d9dc294f),
        Full(version: 13, correction: .high, capacity: 177, mask: 0, hash: 0xeae2f75755e53c0f),
        Full(version: 14, correction: .low, capacity: 458, mask: 0, hash: 0xc006f8dd2bd3e239),
        Full(version: 14, correction: .medium, capacity: 362, mask: 0, hash: 0x0e94a243bfc230a7),
        Full(version: 14, correction: .quartile, capacity: 258, mask: 6, hash: 0x0ec9c8a38d26b80d),
        Full(version: 14, correction: .high, capacity: 194, mask: 0, hash: 0x721e4b8c71176e09),
        Full(version: 15, correction: .low, capacity: 520, mask: 4, hash: 0x4e88a4988517ec5a),
        Full(version: 15, correction: .medium, capacity: 412, mask: 0, hash: 0x5c21b854073a6a6f),
        Full(version: 15, correction: .quartile, capacity: 292, mask: 4, hash: 0x58b3bdf499c09c80),
        Full(version: 15, correction: .high, capacity: 220, mask: 2, hash: 0x75ddf5823ba82825),
        Full(version: 16, correction: .low, capacity: 586, mask: 0, hash: 0x2a60ea19d7b69deb),
        Full(version: 16, correction: .medium, capacity: 450, mask: 4, hash: 0xb10f237f2fa7de5a),
        Full(version: 16, correction: .quartile, capacity: 322, mask: 1, hash: 0xbe29736119e95ba4),
        Full(version: 16, correction: .high, capacity: 250, mask: 6, hash: 0xbd1919ee521fe1ee),
        Full(version: 17, correction: .low, capacity: 644, mask: 7, hash: 0xc8c45a2cb00c5a4d),
        Full(version: 17, correction: .medium, capacity: 504, mask: 3, hash: 0x19c315f7afa40303),
        Full(version: 17, correction: .quartile, capacity: 364, mask: 0, hash: 0x1eb8170e86557d09),
        Full(version: 17, correction: .high, capacity: 280, mask: 2, hash: 0xf7a719cd6ae18f87),
        Full(version: 18, correction: .low, capacity: 718, mask: 2, hash: 0xc68e618838cb2489),
        Full(version: 18, correction: .medium, capacity: 560, mask: 7, hash: 0x9a44c17348f0988e),
        Full(version: 18, correction: .quartile, capacity: 394, mask: 1, hash: 0x702e156dd3cc5f1e),
        Full(version: 18, correction: .high, capacity: 310, mask: 5, hash: 0x4973217b9c37cde8),
        Full(version: 19, correction: .low, capacity: 792, mask: 2, hash: 0xc017848130069337),
        Full(version: 19, correction: .medium, capacity: 624, mask: 1, hash: 0x864f978f13973ed0),
        Full(version: 19, correction: .quartile, capacity: 442, mask: 0, hash: 0xdae189aac81d2cf7),
        Full(version: 19, correction: .high, capacity: 338, mask: 3, hash: 0x73d0b6fe70469637),
        Full(version: 20, correction: .low, capacity: 858, mask: 6, hash: 0xef27250d7be8dfbf),
        Full(version: 20, correction: .medium, capacity: 666, mask: 3, hash: 0x3be0f1b809a6a1cf),
        Full(version: 20, correction: .quartile, capacity: 482, mask: 6, hash: 0xe66d60c45baded01),
        Full(version: 20, correction: .high, capacity: 382, mask: 1, hash: 0x90a4e9988f3706d0),
        Full(version: 21, correction: .low, capacity: 929, mask: 3, hash: 0x78b8795d0f302b57),
        Full(version: 21, correction: .medium, capacity: 711, mask: 3, hash: 0x8e1c174e1dec2e41),
        Full(version: 21, correction: .quartile, capacity: 509, mask: 7, hash: 0xfcd6d3414d8e17a7),
        Full(version: 21, correction: .high, capacity: 403, mask: 3, hash: 0xe6e11e7378e26969),
        Full(version: 22, correction: .low, capacity: 1003, mask: 6, hash: 0x53b5f1676006617f),
        Full(version: 22, correction: .medium, capacity: 779, mask: 6, hash: 0xa528a965815b12fd),
        Full(version: 22, correction: .quartile, capacity: 565, mask: 7, hash: 0x6c8df1f968c15797),
        Full(version: 22, correction: .high, capacity: 439, mask: 7, hash: 0xc9309edda2002b73),
        Full(version: 23, correction: .low, capacity: 1091, mask: 7, hash: 0x6b8469d5f05159c9),
        Full(version: 23, correction: .medium, capacity: 857, mask: 1, hash: 0xfc3bec85217eeabc),
        Full(version: 23, correction: .quartile, capacity: 611, mask: 2, hash: 0x73d32a3517e6e259),
        Full(version: 23, correction: .high, capacity: 461, mask: 4, hash: 0x4cd777f3f693f885),
        Full(version: 24, correction: .low, capacity: 1171, mask: 3, hash: 0x8ffb685f7146ead1),
        Full(version: 24, correction: .medium, capacity: 911, mask: 1, hash: 0xab6378deddc47b88),
        Full(version: 24, correction: .quartile, capacity: 661, mask: 5, hash: 0x7a214f08fbec1aec),
        Full(version: 24, correction: .high, capacity: 511, mask: 3, hash: 0x2e458cf14ffa370d),
        Full(version: 25, correction: .low, capacity: 1273, mask: 6, hash: 0x238c1f12aafae354),
        Full(version: 25, correction: .medium, capacity: 997, mask: 3, hash: 0x8c428e631c2c673e),
        Full(version: 25, correction: .quartile, capacity: 715, mask: 1, hash: 0xf475d628f027792e),
        Full(version: 25, correction: .high, capacity: 535, mask: 4, hash: 0x99de86dd6e590d1d),
        Full(version: 26, correction: .low, capacity: 1367, mask: 1, hash: 0x89463e51df5cfdf2),
        Full(version: 26, correction: .medium, capacity: 1059, mask: 2, hash: 0x2cc68445073f9889),
        Full(version: 26, correction: .quartile, capacity: 751, mask: 7, hash: 0xae4e317c10996b43),
        Full(version: 26, correction: .high, capacity: 593, mask: 4, hash: 0xc14930049b64893b),
        Full(version: 27, correction: .low, capacity: 1465, mask: 3, hash: 0x990c1d3d845f59d5),
        Full(version: 27, correction: .medium, capacity: 1125, mask: 3, hash: 0x4e488e62ca889a0f),
        Full(version: 27, correction: .quartile, capacity: 805, mask: 6, hash: 0xfa5d0b96604cd911),
        Full(version: 27, correction: .high, capacity: 625, mask: 1, hash: 0xe67c1a593df9d720),
        Full(version: 28, correction: .low, capacity: 1528, mask: 6, hash: 0x0acd48e5356c23d2),
        Full(version: 28, correction: .medium, capacity: 1190, mask: 5, hash: 0xdc7770f14a7bf05b),
        Full(version: 28, correction: .quartile, capacity: 868, mask: 2, hash: 0xbd1aa20acd0647a6),
        Full(version: 28, correction: .high, capacity: 658, mask: 0, hash: 0x42774c6f19e54049),
        Full(version: 29, correction: .low, capacity: 1628, mask: 3, hash: 0xfdc4f8641b782e9f),
        Full(version: 29, correction: .medium, capacity: 1264, mask: 6, hash: 0x67aa693e280d13ed),
        Full(version: 29, correction: .quartile, capacity: 908, mask: 5, hash: 0xd03ce54a28ba322c),
        Full(version: 29, correction: .high, capacity: 698, mask: 1, hash: 0xa43e4e1468fd7d9e),
        Full(version: 30, correction: .low, capacity: 1732, mask: 5, hash: 0x0b5db7dd4330f606),
        Full(version: 30, correction: .medium, capacity: 1370, mask: 4, hash: 0x0d85ce0108544ef0),
        Full(version: 30, correction: .quartile, capacity: 982, mask: 0, hash: 0x39ed68d8a6e4f893),
        Full(version: 30, correction: .high, capacity: 742, mask: 0, hash: 0x17727e72fc1933bb),
        Full(version: 31, correction: .low, capacity: 1840, mask: 3, hash: 0x188fad43fa3357c2),
        Full(version: 31, correction: .medium, capacity: 1452, mask: 6, hash: 0x521916f6c3e24cb8),
        Full(version: 31, correction: .quartile, capacity: 1030, mask: 2, hash: 0x51e02569f1bf485e),
        Full(version: 31, correction: .high, capacity: 790, mask: 2, hash: 0xf3f843bf746bb2b0),
        Full(version: 32, correction: .low, capacity: 1952, mask: 5, hash: 0x9cf9169a94acbc7e),
        Full(version: 32, correction: .medium, capacity: 1538, mask: 4, hash: 0xeccdc520f5a7fc6e),
        Full(version: 32, correction: .quartile, capacity: 1112, mask: 3, hash: 0xdeb5be4cf5c589fc),
        Full(version: 32, correction: .high, capacity: 842, mask: 0, hash: 0x6c94dda45a852bc1),
        Full(version: 33, correction: .low, capacity: 2068, mask: 5, hash: 0x3aac90defb052c9e),
        Full(version: 33, correction: .medium, capacity: 1628, mask: 1, hash: 0xa0dea161e1da8b00),
        Full(version: 33, correction: .quartile, capacity: 1168, mask: 3, hash: 0x205a8881923e6a8f),
        Full(version: 33, correction: .high, capacity: 898, mask: 4, hash: 0xe94d2fa5b88a2562),
        Full(version: 34, correction: .low, capacity: 2188, mask: 7, hash: 0x486520ce10af08af),
        Full(version: 34, correction: .medium, capacity: 1722, mask: 0, hash: 0x1ce30acb696f00e7),
        Full(version: 34, correction: .quartile, capacity: 1228, mask: 1, hash: 0xbdd40ef766534dfe),
        Full(version: 34, correction: .high, capacity: 958, mask: 0, hash: 0xac836566044f633b),
        Full(version: 35, correction: .low, capacity: 2303, mask: 0, hash: 0xe52affc9bb879e41),
        Full(version: 35, correction: .medium, capacity: 1809, mask: 2, hash: 0xf466233b6e201cc1),
        Full(version: 35, correction: .quartile, capacity: 1283, mask: 6, hash: 0x13d294bd1c1b9a79),
        Full(version: 35, correction: .high, capacity: 983, mask: 4, hash: 0xeee844c9820e4521),
        Full(version: 36, correction: .low, capacity: 2431, mask: 1, hash: 0x0ace0dade9424e5a),
        Full(version: 36, correction: .medium, capacity: 1911, mask: 6, hash: 0x1515a9618dc123d8),
        Full(version: 36, correction: .quartile, capacity: 1351, mask: 6, hash: 0x96e4d81a9959a272),
        Full(version: 36, correction: .high, capacity: 1051, mask: 4, hash: 0xf4d1d23e7f8a154b),
        Full(version: 37, correction: .low, capacity: 2563, mask: 0, hash: 0x5d9ab53fefcfaf39),
        Full(version: 37, correction: .medium, capacity: 1989, mask: 0, hash: 0x67b6288c00f9a3af),
        Full(version: 37, correction: .quartile, capacity: 1423, mask: 6, hash: 0x5851a21f323f0b0b),
        Full(version: 37, correction: .high, capacity: 1093, mask: 2, hash: 0x8b9deeb1bb4cbfab),
        Full(version: 38, correction: .low, capacity: 2699, mask: 0, hash: 0xf851ef56d7b7e0a9),
        Full(version: 38, correction: .medium, capacity: 2099, mask: 1, hash: 0xbae23c8901c95868),
        Full(version: 38, correction: .quartile, capacity: 1499, mask: 4, hash: 0xdfd78902dc67e19f),
        Full(version: 38, correction: .high, capacity: 1139, mask: 7, hash: 0xc9f2379bd60aaf05),
        Full(version: 39, correction: .low, capacity: 2809, mask: 3, hash: 0xdc46cdc27b3d0438),
        Full(version: 39, correction: .medium, capacity: 2213, mask: 0, hash: 0xd9cb442219d3eef9),
        Full(version: 39, correction: .quartile, capacity: 1579, mask: 6, hash: 0xae482e2f510cef4a),
        Full(version: 39, correction: .high, capacity: 1219, mask: 4, hash: 0x0c9e46da66c5ed55),
        Full(version: 40, correction: .low, capacity: 2953, mask: 6, hash: 0xd5fd69170ce9a9bd),
        Full(version: 40, correction: .medium, capacity: 2331, mask: 6, hash: 0x230ad665d928c6d3),
        Full(version: 40, correction: .quartile, capacity: 1663, mask: 0, hash: 0x28d41cf712d3fb01),
        Full(version: 40, correction: .high, capacity: 1273, mask: 1, hash: 0x00885a4c20920ae6),
    ]

    @Test("one byte past a version's capacity moves to the next version")
    func capacityBoundary() throws {
        let capacity = QRCode.byteCapacity(version: 5, correction: .medium)
        #expect(try QRCode(bytes: Array(repeating: 0x41, count: capacity), correction: .medium).version == 5)
        #expect(try QRCode(bytes: Array(repeating: 0x41, count: capacity + 1), correction: .medium).version == 6)
        // The character count grows from 8 to 16 bits at version 10, which costs a byte of capacity.
        #expect(QRCode.byteCapacity(version: 9, correction: .low) == 230)
        #expect(QRCode.byteCapacity(version: 10, correction: .low) == 271)
    }

    @Test("data beyond version 40 throws a descriptive error", arguments: [
        (QRCode.Correction.low, 2953), (.medium, 2331), (.quartile, 1663), (.high, 1273),
    ])
    func tooLong(_ correction: QRCode.Correction, _ capacity: Int) throws {
        #expect(try QRCode(bytes: Array(repeating: 0x61, count: capacity), correction: correction).version == 40)
        let error = #expect(throws: QRCode.DataTooLongError.self) {
            try QRCode(text: String(repeating: "a", count: capacity + 1), correction: correction)
        }
        #expect(error == QRCode.DataTooLongError(byteCount: capacity + 1, capacity: capacity, correction: correction))
        #expect(error?.description == "QR code data too long: \(capacity + 1) bytes, at most \(capacity) bytes fit at error-correction level \(correction)")
    }

    @Test("Reed–Solomon codewords match the worked example of ISO/IEC 18004 Annex I (\"01234567\", 1-M)")
    func reedSolomonAnnexExample() {
        let data: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        let ecc = ReedSolomon.remainder(of: data[...], generator: ReedSolomon.generator(degree: 10))
        #expect(ecc == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }

    @Test("alignment pattern centres follow ISO/IEC 18004 Annex E")
    func alignmentCentres() {
        #expect(QRTables.alignmentCenters(version: 1) == [])
        #expect(QRTables.alignmentCenters(version: 2) == [6, 18])
        #expect(QRTables.alignmentCenters(version: 7) == [6, 22, 38])
        #expect(QRTables.alignmentCenters(version: 32) == [6, 34, 60, 86, 112, 138])
        #expect(QRTables.alignmentCenters(version: 36) == [6, 24, 50, 76, 102, 128, 154])
        #expect(QRTables.alignmentCenters(version: 40) == [6, 30, 58, 86, 114, 142, 170])
    }

    @Test("coordinates outside the symbol read as light, like the quiet zone")
    func outsideIsLight() throws {
        let code = try QRCode(text: "Yiwei")
        #expect(code.isDark(x: 0, y: 0))
        #expect(!code.isDark(x: -1, y: 0))
        #expect(!code.isDark(x: 0, y: code.size))
        #expect(!code.isDark(x: code.size, y: code.size - 1))
    }

    @Test("SVG draws exactly the dark modules, scaled, with a quiet zone")
    func svgMatchesModules() throws {
        let code = try QRCode(text: "http://10.1.2.3:8080/portal/new?location=%E9%97%A8%E8%AF%8A3F&system=LIS")
        let svg = code.svg(moduleSize: 6, quietZone: 4)
        let extent = code.size + 8
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(extent * 6)\" height=\"\(extent * 6)\" viewBox=\"0 0 \(extent) \(extent)\" shape-rendering=\"crispEdges\">"))
        #expect(svg.contains("<rect width=\"\(extent)\" height=\"\(extent)\" fill=\"#fff\"/>"))
        #expect(svg.hasSuffix("\"/></svg>"))
        #expect(svg.split(separator: "<path").count == 2)

        // Paint every run of the path onto a grid and compare with the symbol, quiet zone included.
        let d = try #require(svg.split(separator: "d=\"").last?.split(separator: "\"").first)
        var painted = Array(repeating: Array(repeating: false, count: extent), count: extent)
        for run in d.split(separator: "z") {
            // M<x> <y>h<n>v1h-<n>
            let numbers = run.split(whereSeparator: { "Mhv -".contains($0) }).map { Int($0) }
            try #require(numbers.count == 5 && numbers[3] == 1 && numbers[4] == numbers[2], "\(run)")
            let x = numbers[0]!, y = numbers[1]!, length = numbers[2]!
            for column in x..<x + length {
                #expect(!painted[y][column], "module \(column),\(y) painted twice")
                painted[y][column] = true
            }
        }
        for y in 0..<extent {
            for x in 0..<extent {
                #expect(painted[y][x] == code.isDark(x: x - 4, y: y - 4), "module \(x - 4),\(y - 4)")
            }
        }
    }

    @Test("SVG options: size, no quiet zone, colours escaped for the attribute")
    func svgOptions() throws {
        let code = try QRCode(text: "Yiwei")
        let svg = code.svg(moduleSize: 3, quietZone: 0, dark: "navy", light: "\"/><script>alert(1)</script>")
        #expect(svg.contains("width=\"63\" height=\"63\" viewBox=\"0 0 21 21\""))
        #expect(svg.contains("<path fill=\"navy\" d=\"M0 0h7v1h-7z"))
        #expect(!svg.contains("<script>"))
        #expect(svg.contains("fill=\"&quot;/&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""))
    }
}
