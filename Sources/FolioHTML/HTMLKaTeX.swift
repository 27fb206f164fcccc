// KaTeX from Debian's libjs-katex, made to work offline: the stylesheet's fonts are
// inlined as base64 WOFF2 data URIs so the report is one self-contained file.

import FolioDocument
import Foundation

struct KaTeXAssets {
    let script: String
    /// katex.min.css with each @font-face reduced to one inlined WOFF2 source.
    let stylesheet: String

    init(directory: URL) throws {
        let scriptURL = directory.appendingPathComponent("katex.min.js")
        let styleURL = directory.appendingPathComponent("katex.min.css")
        guard let script = try? String(contentsOf: scriptURL, encoding: .utf8) else {
            throw TemplateError(file: scriptURL.path, "cannot read KaTeX (install Debian's libjs-katex)")
        }
        guard let style = try? String(contentsOf: styleURL, encoding: .utf8) else {
            throw TemplateError(file: styleURL.path, "cannot read KaTeX's stylesheet (install Debian's libjs-katex)")
        }
        // A script may not contain "</script" inside an inline <script> element.
        self.script = script.replacingOccurrences(of: "</script", with: "<\\/script")
        self.stylesheet = try Self.inliningFonts(style, fonts: directory.appendingPathComponent("fonts"))
    }

    /// Rewrites `src:url(fonts/X.woff2) format('woff2'),url(…woff)…,url(…ttf)…;`
    /// into `src:url(data:font/woff2;base64,…) format('woff2');`.
    static func inliningFonts(_ css: String, fonts: URL) throws -> String {
        var out = ""
        var rest = css[...]
        while let src = rest.range(of: "src:url(fonts/") {
            out += rest[..<src.lowerBound]
            guard let end = rest[src.upperBound...].firstIndex(where: { $0 == ";" || $0 == "}" }),
                  let nameEnd = rest[src.upperBound...].firstIndex(of: ")") else {
                throw TemplateError(file: fonts.path, "unexpected @font-face rule in katex.min.css")
            }
            let fileName = String(rest[src.upperBound..<nameEnd])
            let woff2 = fileName.replacingOccurrences(of: ".woff2", with: "")
                .replacingOccurrences(of: ".woff", with: "").replacingOccurrences(of: ".ttf", with: "") + ".woff2"
            let fontURL = fonts.appendingPathComponent(woff2)
            guard let data = FileManager.default.contents(atPath: fontURL.path) else {
                throw TemplateError(file: fontURL.path, "cannot read KaTeX font")
            }
            out += "src:url(data:font/woff2;base64,\(data.base64EncodedString())) format('woff2')"
            rest = rest[end...]
        }
        out += rest
        return out
    }

    /// Typesets every `.math` element in place. Errors in the TeX are shown in red
    /// by KaTeX rather than thrown, so a typo never stops the page.
    static let renderScript = """
        document.querySelectorAll(".math").forEach(function (element) {
          katex.render(element.textContent, element, {
            displayMode: element.classList.contains("display"), throwOnError: false, strict: "ignore"
          });
        });
        """
}
