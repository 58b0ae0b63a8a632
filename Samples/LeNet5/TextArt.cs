namespace StaticNets.Samples.LeNet5;

/// <summary>Draws a grey-level image as text, two image rows to a line.</summary>
internal static class TextArt
{
    private const string Ramp = " .:-=+*#%@";

    public static IEnumerable<string> Render(ReadOnlySpan<float> pixels, int height, int width)
    {
        var lines = new List<string>();
        for (int y = 0; y + 1 < height; y += 2)
        {
            var line = new char[width];
            for (int x = 0; x < width; x++)
            {
                float v = Math.Clamp((pixels[y * width + x] + pixels[(y + 1) * width + x]) / 2, 0f, 1f);
                line[x] = Ramp[(int)(v * (Ramp.Length - 1) + 0.5f)];
            }
            lines.Add(new string(line).TrimEnd());
        }
        // Blank rows above and below the digit say nothing.
        int first = lines.FindIndex(l => l.Length > 0), last = lines.FindLastIndex(l => l.Length > 0);
        return first < 0 ? lines : lines.GetRange(first, last - first + 1);
    }
}
