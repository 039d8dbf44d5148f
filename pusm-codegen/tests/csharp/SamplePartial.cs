// What a user adds in a partial file of their own: a conversion. Compiles only
// because generated classes are `partial`.

namespace Features
{
    public partial class Sample
    {
        public float RayTotal()
        {
            float total = 0;
            foreach (var ray in Rays) total += ray;
            return total;
        }
    }
}
