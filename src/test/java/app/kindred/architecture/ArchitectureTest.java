package app.kindred.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md, checked on the compiled main classes, so that a cycle
 * or a feature reaching for a door fails the build instead of growing back quietly (issue 13).
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("app.kindred");

    /** The features: what members and moderators do, whichever door they come through. */
    private static final String[] FEATURES = {
        "app.kindred.care..",
        "app.kindred.community..",
        "app.kindred.follow..",
        "app.kindred.media..",
        "app.kindred.member..",
        "app.kindred.moderation..",
        "app.kindred.notification..",
        "app.kindred.policy..",
        "app.kindred.report..",
        "app.kindred.search..",
        "app.kindred.thread..",
        // The admins' audit log (admin6).
        "app.kindred.audit..",
        // Instance settings and sign-up by application (admin7).
        "app.kindred.instance..",
        "app.kindred.registration..",
    };

    @Test
    void noPackageIsInACycle() {
        // One slice per package, subpackages their own (federation.inbound apart from federation).
        slices().matching("app.kindred.(**)")
                .namingSlices("$1")
                .should()
                .beFreeOfCycles()
                .check(MAIN);
    }

    @Test
    void featuresNeverImportADoor() {
        noClasses()
                .that()
                .resideInAnyPackage(FEATURES)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("app.kindred.federation..", "app.kindred.web..", "app.kindred.api..")
                .because("features say what happened through interfaces of their own, which federation implements")
                .check(MAIN);
    }

    @Test
    void nothingImportsTheApplication() {
        // App, Kindred and the command line wire everything together; anything importing them closes a cycle.
        noClasses()
                .that()
                .resideOutsideOfPackage("app.kindred")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("app.kindred")
                .check(MAIN);
    }

    @Test
    void leavesImportNothingOfOurs() {
        for (var leaf : new String[] {"refusal", "http", "activitypub", "federation.signature", "config", "content"}) {
            noClasses()
                    .that()
                    .resideInAPackage("app.kindred." + leaf)
                    .should()
                    .dependOnClassesThat(DescribedPredicate.describe(
                            "are ours outside app.kindred." + leaf,
                            c -> c.getPackageName().startsWith("app.kindred")
                                    && !c.getPackageName().equals("app.kindred." + leaf)))
                    .check(MAIN);
        }
    }
}
