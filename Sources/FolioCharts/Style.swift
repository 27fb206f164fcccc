// The one theme every Folio figure shares: print friendly, DejaVu Sans, sizes in points.

/// An opaque sRGB colour with components in 0...1.
public struct ChartColor: Sendable, Hashable {
    public var red: Double
    public var green: Double
    public var blue: Double

    public init(red: Double, green: Double, blue: Double) {
        self.red = red; self.green = green; self.blue = blue
    }

    /// `0xRRGGBB`.
    public init(hex: UInt32) {
        self.init(red: Double((hex >> 16) & 0xFF) / 255,
                  green: Double((hex >> 8) & 0xFF) / 255,
                  blue: Double(hex & 0xFF) / 255)
    }

    public static let black = ChartColor(hex: 0x000000)
    public static let white = ChartColor(hex: 0xFFFFFF)
    /// The colour a wrong prediction is marked with.
    public static let alert = ChartColor(hex: 0xD62728)

    /// Relative luminance (Rec. 709 weights on the gamma-encoded values: good enough to
    /// decide whether black or white text reads better on a cell).
    var luminance: Double { 0.2126 * red + 0.7152 * green + 0.0722 * blue }

    func mixed(with other: ChartColor, _ t: Double) -> ChartColor {
        ChartColor(red: red + (other.red - red) * t,
                   green: green + (other.green - green) * t,
                   blue: blue + (other.blue - blue) * t)
    }

    /// `0x00RRGGBB`, the pixel layout of a CAIRO_FORMAT_RGB24 surface.
    var pixel: UInt32 {
        func byte(_ v: Double) -> UInt32 { UInt32((min(max(v, 0), 1) * 255).rounded()) }
        return byte(red) << 16 | byte(green) << 8 | byte(blue)
    }
}

/// Sizes and colours of the theme. Kept in one place so every chart kind agrees.
enum Theme {
    static let fontFamily = "DejaVu Sans"
    static let figureTitleSize = 12.0
    static let titleSize = 10.5
    static let labelSize = 9.5
    static let tickSize = 8.5
    static let legendSize = 8.5
    static let annotationSize = 8.5
    static let cellTitleSize = 8.0

    static let text = ChartColor(hex: 0x222222)
    static let axis = ChartColor(hex: 0x444444)
    static let grid = ChartColor(hex: 0xDDDDDD)
    static let missing = ChartColor(hex: 0xD9D9D9)

    static let axisWidth = 0.8
    static let gridWidth = 0.5
    static let lineWidth = 1.5
    static let tickLength = 3.5
    static let markerSize = 4.5
    /// Space between a text and what it labels.
    static let pad = 3.0
    /// Empty margin around the whole figure, so nothing touches the page edge.
    static let figureMargin = 6.0

    /// A tab10-like qualitative cycle: distinct hues that survive grey-scale printing
    /// reasonably well when paired with markers.
    static let cycle: [ChartColor] = [
        0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD,
        0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22, 0x17BECF,
    ].map { ChartColor(hex: $0) }

    static func cycleColor(_ index: Int) -> ChartColor { cycle[index % cycle.count] }
}

/// Maps a value in 0...1 to a colour.
public enum ColorMap: String, Sendable, CaseIterable {
    /// Perceptually uniform dark blue → green → yellow.
    case viridis
    /// Black → red → yellow → white.
    case hot
    /// White → dark blue (sequential; confusion matrices).
    case blues
    /// Black → white.
    case gray
    /// White → black (ink on paper: digits print dark on white).
    case grayInverted
    /// Blue ← white → red; meant for signed data with the range centred at 0.
    case diverging

    /// Whether charts should centre the value range on zero.
    public var isDiverging: Bool { self == .diverging }

    /// Anchor colours, evenly spaced over 0...1 and interpolated linearly in between.
    private var anchors: [UInt32] {
        switch self {
        case .viridis:
            return [0x440154, 0x482878, 0x3E4989, 0x31688E, 0x26828E,
                    0x1F9E89, 0x35B779, 0x6ECE58, 0xB5DE2B, 0xFDE725]
        case .hot:
            // Red rises over the first ~3/8, green over the next, blue over the last quarter.
            return [0x0B0000, 0x800000, 0xFF0000, 0xFF8000, 0xFFFF00, 0xFFFF80, 0xFFFFFF]
        case .blues:
            return [0xF7FBFF, 0xDEEBF7, 0xC6DBEF, 0x9ECAE1, 0x6BAED6,
                    0x4292C6, 0x2171B5, 0x08519C, 0x08306B]
        case .gray: return [0x000000, 0xFFFFFF]
        case .grayInverted: return [0xFFFFFF, 0x000000]
        case .diverging:
            return [0x053061, 0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xF7F7F7,
                    0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B, 0x67001F]
        }
    }

    /// The colour at `t` (clamped to 0...1).
    public func color(at t: Double) -> ChartColor {
        let stops = anchors.map { ChartColor(hex: $0) }
        let t = t.isFinite ? min(max(t, 0), 1) : 0
        let position = t * Double(stops.count - 1)
        let index = min(Int(position), stops.count - 2)
        return stops[index].mixed(with: stops[index + 1], position - Double(index))
    }

    /// 256 precomputed RGB24 pixels: images with a million pixels are coloured by lookup.
    var lookupTable: [UInt32] {
        switch self {
        case .viridis: return ColorMap.viridisTable
        case .hot: return ColorMap.hotTable
        case .blues: return ColorMap.bluesTable
        case .gray: return ColorMap.grayTable
        case .grayInverted: return ColorMap.grayInvertedTable
        case .diverging: return ColorMap.divergingTable
        }
    }

    private static func table(_ map: ColorMap) -> [UInt32] {
        (0..<256).map { map.color(at: Double($0) / 255).pixel }
    }
    private static let viridisTable = table(.viridis)
    private static let hotTable = table(.hot)
    private static let bluesTable = table(.blues)
    private static let grayTable = table(.gray)
    private static let grayInvertedTable = table(.grayInverted)
    private static let divergingTable = table(.diverging)
}
