import CCairo
import CPango

/// The drawing libraries' versions, for the record a report keeps of what made it:
/// text layout and anti-aliasing differ between releases.
public enum DrawingLibraries {
    public static var cairoVersion: String { String(cString: cairo_version_string()) }
    public static var pangoVersion: String { String(cString: pango_version_string()) }
}
