package dev.carlink.simulator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class JUnitXmlTest {

    @Test
    void aFailedExpectation_becomesAFailureWithWhatWasSeen(@TempDir Path dir) throws Exception {
        Scenario scenario = ScenarioLibrary.load().get("hot-afternoon-ac.json");
        List<StepResult> steps = List.of(
                new StepResult(scenario.steps().get(0), true, Duration.ofMillis(20), "HTTP 201 QUEUED"),
                new StepResult(
                        scenario.steps().get(1), false, Duration.ofSeconds(5), "status SENT, reason <none> & more"));
        Path file = dir.resolve("out/results.xml");

        JUnitXml.write(
                file,
                List.of(new ScenarioResult("hot-afternoon-ac.json", scenario, steps, null, Duration.ofSeconds(6))));

        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        assertThat(xml.getElementsByTagName("testsuite")
                        .item(0)
                        .getAttributes()
                        .getNamedItem("failures")
                        .getNodeValue())
                .isEqualTo("1");
        assertThat(xml.getElementsByTagName("testcase").getLength()).isEqualTo(2);
        assertThat(xml.getElementsByTagName("failure").item(0).getTextContent())
                .contains("status SENT, reason <none> & more");
        assertThat(Files.readString(file)).contains("&lt;none&gt; &amp; more");
    }

    @Test
    void aScenarioThatCouldNotRun_isAnError(@TempDir Path dir) throws Exception {
        Scenario scenario = ScenarioLibrary.load().get("fatigue-critical-task.json");
        Path file = dir.resolve("r.xml");

        JUnitXml.write(
                file, List.of(new ScenarioResult("f.json", scenario, List.of(), "backend unreachable", Duration.ZERO)));

        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        assertThat(xml.getElementsByTagName("error")
                        .item(0)
                        .getAttributes()
                        .getNamedItem("message")
                        .getNodeValue())
                .isEqualTo("backend unreachable");
    }
}
