using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace StaticNets.Tests.PublicApi;

/// <summary>
/// An assembly's public surface as text: one line per type, sorted by full name, with its kind, modifiers, base
/// type, interfaces and generic constraints; under it, indented, one line per public or protected member, sorted,
/// with its signature (types fully named, nullable references marked, defaults written out). A type or member that
/// is <c>[Obsolete]</c> or hidden from IntelliSense says so, since both are part of what a user sees.
/// </summary>
internal static class PublicApiListing
{
    /// <summary>What starts a member's line.</summary>
    public const string Indent = "    ";

    private static readonly NullabilityInfoContext Nullability = new();

    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(void)] = "void", [typeof(bool)] = "bool", [typeof(byte)] = "byte", [typeof(sbyte)] = "sbyte",
        [typeof(short)] = "short", [typeof(ushort)] = "ushort", [typeof(int)] = "int", [typeof(uint)] = "uint",
        [typeof(long)] = "long", [typeof(ulong)] = "ulong", [typeof(float)] = "float", [typeof(double)] = "double",
        [typeof(decimal)] = "decimal", [typeof(char)] = "char", [typeof(string)] = "string", [typeof(object)] = "object",
        [typeof(nint)] = "nint", [typeof(nuint)] = "nuint",
    };

    public static string For(Assembly assembly)
    {
        var text = new System.Text.StringBuilder();
        foreach (Type type in assembly.GetExportedTypes().OrderBy(t => Name(t), StringComparer.Ordinal))
        {
            text.Append(Marks(type)).Append(DescribeType(type)).Append('\n');
            foreach (string member in Members(type).Order(StringComparer.Ordinal))
            {
                text.Append(Indent).Append(member).Append('\n');
            }
        }
        return text.ToString();
    }

    private static string DescribeType(Type type)
    {
        string kind = type.IsInterface ? "interface"
            : type.IsEnum ? "enum"
            : type.IsValueType ? (type.IsByRefLike ? "ref struct" : "struct")
            : typeof(Delegate).IsAssignableFrom(type.BaseType) ? "delegate"
            : "class";
        string modifiers = kind != "class" ? ""
            : type.IsAbstract && type.IsSealed ? "static "
            : type.IsAbstract ? "abstract "
            : type.IsSealed ? "sealed "
            : "";
        if (type.IsValueType && !type.IsEnum && type.GetCustomAttribute<IsReadOnlyAttribute>() is not null) modifiers = "readonly ";

        var bases = new List<string>();
        if (type.IsEnum) bases.Add(Name(Enum.GetUnderlyingType(type)));
        else if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType)) bases.Add(Name(baseType));
        IEnumerable<Type> interfaces = type.GetInterfaces();
        if (type.BaseType is { } inherited) interfaces = interfaces.Except(inherited.GetInterfaces());
        bases.AddRange(interfaces.Select(Name).Order(StringComparer.Ordinal));
        return $"public {modifiers}{kind} {Name(type)}{(bases.Count > 0 ? " : " + string.Join(", ", bases) : "")}{Constraints(type.IsGenericTypeDefinition ? type.GetGenericArguments() : [])}";
    }

    private static IEnumerable<string> Members(Type type)
    {
        const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.IsEnum)
        {
            foreach (FieldInfo field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                yield return $"{Marks(field)}{field.Name} = {Convert.ToInt64(field.GetRawConstantValue(), CultureInfo.InvariantCulture)}";
            }
            yield break;
        }

        var accessors = new HashSet<MethodInfo>();
        foreach (PropertyInfo property in type.GetProperties(Declared))
        {
            MethodInfo[] visible = [.. property.GetAccessors(nonPublic: true).Where(IsVisible)];
            if (visible.Length == 0) continue;
            accessors.UnionWith(property.GetAccessors(nonPublic: true));
            MethodInfo any = visible[0];
            string parts = "";
            if (property.GetMethod is { } get && IsVisible(get)) parts += Access(get) == Access(any) ? "get; " : Access(get) + " get; ";
            if (property.SetMethod is { } set && IsVisible(set))
            {
                string word = set.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)) ? "init" : "set";
                parts += Access(set) == Access(any) ? word + "; " : Access(set) + " " + word + "; ";
            }
            string required = property.GetCustomAttribute<RequiredMemberAttribute>() is not null ? "required " : "";
            string indexer = property.GetIndexParameters() is { Length: > 0 } index ? $"this[{Parameters(index)}]" : property.Name;
            yield return $"{Marks(property)}{Access(any)} {Modifiers(any)}{required}{Name(property.PropertyType, Nullability.Create(property))} {indexer} {{ {parts}}}";
        }
        foreach (EventInfo e in type.GetEvents(Declared))
        {
            if (e.AddMethod is not { } add || !IsVisible(add)) continue;
            accessors.UnionWith([add, e.RemoveMethod!]);
            yield return $"{Marks(e)}{Access(add)} {Modifiers(add)}event {Name(e.EventHandlerType!)} {e.Name}";
        }
        foreach (FieldInfo field in type.GetFields(Declared))
        {
            if (!(field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly)) continue;
            string access = field.IsPublic ? "public" : "protected";
            string value = field.IsLiteral ? " = " + Literal(field.GetRawConstantValue()) : "";
            string modifiers = field.IsLiteral ? "const " : (field.IsStatic ? "static " : "") + (field.IsInitOnly ? "readonly " : "");
            yield return $"{Marks(field)}{access} {modifiers}{Name(field.FieldType, Nullability.Create(field))} {field.Name}{value}";
        }
        foreach (ConstructorInfo constructor in type.GetConstructors(Declared))
        {
            if (!IsVisible(constructor) || constructor.IsStatic) continue;
            yield return $"{Marks(constructor)}{Access(constructor)} {type.Name.Split('`')[0]}({Parameters(constructor.GetParameters())})";
        }
        foreach (MethodInfo method in type.GetMethods(Declared))
        {
            if (!IsVisible(method) || accessors.Contains(method) || method.Name.StartsWith('<')) continue;
            string generic = method.IsGenericMethodDefinition ? "<" + string.Join(", ", method.GetGenericArguments().Select(a => a.Name)) + ">" : "";
            string self = method.IsDefined(typeof(ExtensionAttribute)) ? "this " : "";
            yield return $"{Marks(method)}{Access(method)} {Modifiers(method)}{Name(method.ReturnType, Nullability.Create(method.ReturnParameter))} {method.Name}{generic}({self}{Parameters(method.GetParameters())}){Constraints(method.IsGenericMethodDefinition ? method.GetGenericArguments() : [])}";
        }
    }

    private static bool IsVisible(MethodBase method) => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly;

    private static string Access(MethodBase method) => method.IsPublic ? "public" : "protected";

    private static string Modifiers(MethodInfo method)
    {
        string text = method.IsStatic ? "static " : "";
        if (method.IsAbstract) return text + "abstract ";
        if (!method.IsVirtual || (method.IsFinal && method.GetBaseDefinition() == method)) return text;
        bool overrides = method.GetBaseDefinition() != method;
        return text + (overrides ? (method.IsFinal ? "sealed override " : "override ") : "virtual ");
    }

    private static string Parameters(ParameterInfo[] parameters) => string.Join(", ", parameters.Select(p =>
    {
        string prefix = p.IsDefined(typeof(ParamArrayAttribute)) ? "params " : "";
        Type type = p.ParameterType;
        if (type.IsByRef)
        {
            prefix += p.IsOut ? "out " : p.IsIn ? "in " : "ref ";
            type = type.GetElementType()!;
        }
        string value = p.HasDefaultValue ? " = " + Literal(p.DefaultValue) : "";
        return $"{prefix}{Name(type, Nullability.Create(p))} {p.Name}{value}";
    }));

    private static string Constraints(Type[] arguments)
    {
        var clauses = new List<string>();
        foreach (Type argument in arguments)
        {
            var parts = new List<string>();
            GenericParameterAttributes flags = argument.GenericParameterAttributes;
            if (flags.HasFlag(GenericParameterAttributes.ReferenceTypeConstraint)) parts.Add("class");
            if (flags.HasFlag(GenericParameterAttributes.NotNullableValueTypeConstraint)) parts.Add("struct");
            parts.AddRange(argument.GetGenericParameterConstraints().Where(c => c != typeof(ValueType)).Select(Name));
            if (flags.HasFlag(GenericParameterAttributes.DefaultConstructorConstraint) && !flags.HasFlag(GenericParameterAttributes.NotNullableValueTypeConstraint)) parts.Add("new()");
            if (parts.Count > 0) clauses.Add($" where {argument.Name} : {string.Join(", ", parts)}");
        }
        return string.Concat(clauses);
    }

    private static string Marks(MemberInfo member)
    {
        string text = "";
        if (member.GetCustomAttribute<ObsoleteAttribute>() is { } obsolete) text += $"[Obsolete(\"{obsolete.Message}\")] ";
        if (member.GetCustomAttribute<EditorBrowsableAttribute>() is { State: EditorBrowsableState.Never }) text += "[EditorBrowsable(Never)] ";
        if (member is Type type && typeof(Attribute).IsAssignableFrom(type) && type.GetCustomAttribute<AttributeUsageAttribute>(inherit: false) is { } usage)
        {
            text += $"[AttributeUsage({usage.ValidOn}, AllowMultiple = {(usage.AllowMultiple ? "true" : "false")}, Inherited = {(usage.Inherited ? "true" : "false")})] ";
        }
        return text;
    }

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        float f => f.ToString("R", CultureInfo.InvariantCulture) + "f",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        char c => $"'{c}'",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };

    private static string Name(Type type) => Name(type, null);

    private static string Name(Type type, NullabilityInfo? nullability)
    {
        string suffix = nullability is { ReadState: NullabilityState.Nullable } && !type.IsValueType ? "?" : "";
        if (type.IsGenericParameter) return type.Name + suffix;
        if (Nullable.GetUnderlyingType(type) is { } underlying) return Name(underlying, null) + "?";
        if (type.IsArray) return Name(type.GetElementType()!, nullability?.ElementType) + "[" + new string(',', type.GetArrayRank() - 1) + "]" + suffix;
        if (type.IsPointer) return Name(type.GetElementType()!, null) + "*";
        if (Keywords.TryGetValue(type, out string? keyword)) return keyword + suffix;

        string name = type.IsNested ? Name(type.DeclaringType!) + "." + type.Name : type.Namespace + "." + type.Name;
        if (!type.IsGenericType) return name + suffix;
        Type[] arguments = type.GetGenericArguments();
        NullabilityInfo[] argumentNullability = nullability?.GenericTypeArguments ?? [];
        string list = string.Join(", ", arguments.Select((a, i) => Name(a, i < argumentNullability.Length ? argumentNullability[i] : null)));
        return name.Split('`')[0] + "<" + list + ">" + suffix;
    }
}
