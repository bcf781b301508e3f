package dev.dspy4j;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.List;

/**
 * Packages flow one way, down the data flow: a package never imports one that sits later on it.
 * A new package that is not in {@link #LAYERS} is still held to the cycle rules; add it to the list
 * at the lowest place its imports allow.
 */
@AnalyzeClasses(packages = "dev.dspy4j", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageStructureTest {

    /** The top-level packages of {@code dspy4j-core}, lowest first; each may import only those before it. */
    static final List<String> LAYERS = List.of(
            "media",
            "signature",
            "prompt",
            "lm",
            "cache",
            "adapter",
            "module",
            "batch",
            "evaluate",
            "optimize",
            "state");

    /** No two top-level packages (with their subpackages) import each other, directly or around a loop. */
    @ArchTest
    static final ArchRule topLevelPackagesHaveNoCycles =
            slices().matching("dev.dspy4j.(*)..").should().beFreeOfCycles();

    /** Nor do any two packages, subpackages counted on their own ({@code lm.http} apart from {@code lm}). */
    @ArchTest
    static final ArchRule packagesHaveNoCycles =
            slices().matching("dev.dspy4j.(**)").should().beFreeOfCycles();

    /** The order of {@link #LAYERS}: {@code cache} keys and stores LM values, the LM only knows its contract. */
    @ArchTest
    static final ArchRule packagesFollowTheDataFlow = layers();

    static LayeredArchitecture layers() {
        LayeredArchitecture rule = Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String layer : LAYERS) rule = rule.layer(layer).definedBy("dev.dspy4j." + layer + "..");
        for (int i = 0; i < LAYERS.size(); i++) {
            if (i == 0) {
                rule = rule.whereLayer(LAYERS.get(0)).mayNotAccessAnyLayer();
            } else {
                rule = rule.whereLayer(LAYERS.get(i))
                        .mayOnlyAccessLayers(LAYERS.subList(0, i).toArray(String[]::new));
            }
        }
        return rule;
    }
}
