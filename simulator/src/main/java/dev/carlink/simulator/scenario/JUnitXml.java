package dev.carlink.simulator.scenario;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** Writes scenario results as JUnit XML: a test suite per scenario, a test case per step. */
public final class JUnitXml {

    private JUnitXml() {}

    public static void write(Path file, List<ScenarioResult> results) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        try (Writer out = Files.newBufferedWriter(file)) {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeStartElement("testsuites");
            for (ScenarioResult result : results) {
                suite(xml, result);
            }
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void suite(XMLStreamWriter xml, ScenarioResult result) throws XMLStreamException {
        xml.writeStartElement("testsuite");
        xml.writeAttribute(
                "name",
                result.scenario() == null ? result.source() : result.scenario().name());
        xml.writeAttribute("tests", String.valueOf(result.steps().size() + (result.error() == null ? 0 : 1)));
        xml.writeAttribute(
                "failures",
                String.valueOf(result.steps().stream().filter(s -> !s.passed()).count()));
        xml.writeAttribute("errors", result.error() == null ? "0" : "1");
        xml.writeAttribute("time", seconds(result.took().toMillis()));
        for (StepResult step : result.steps()) {
            xml.writeStartElement("testcase");
            xml.writeAttribute("classname", result.source());
            xml.writeAttribute(
                    "name", "step " + step.step().index() + ": " + step.step().describe());
            xml.writeAttribute("time", seconds(step.took().toMillis()));
            if (!step.passed()) {
                xml.writeStartElement("failure");
                xml.writeAttribute("message", step.detail());
                xml.writeCharacters("expected " + step.step().describe() + "; saw " + step.detail());
                xml.writeEndElement();
            }
            xml.writeEndElement();
        }
        if (result.error() != null) {
            xml.writeStartElement("testcase");
            xml.writeAttribute("classname", result.source());
            xml.writeAttribute("name", "run");
            xml.writeStartElement("error");
            xml.writeAttribute("message", result.error());
            xml.writeEndElement();
            xml.writeEndElement();
        }
        xml.writeEndElement();
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }
}
