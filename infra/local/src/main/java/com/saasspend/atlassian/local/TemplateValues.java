package com.saasspend.atlassian.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns template values into what CloudFormation would make of them in the local stack. Jackson drops the short tags,
 * so {@code !Ref StateTable} arrives as "StateTable", {@code !GetAtt SyncBus.Arn} as "SyncBus.Arn" and {@code !Sub}
 * as its format string: a string that names a parameter or resource is taken as a reference to it (a literal that
 * happens to equal a logical id would be misread; templates do not do that in practice).
 *
 * <p>Local physical names: the resource's own name property when it has one (TableName, Name, QueueName,
 * FunctionName), else "{stack}-{LogicalId}", unique per stack name so several stacks can share one moto.
 */
public final class TemplateValues {
    private static final Pattern SUB = Pattern.compile("\\$\\{([^}!][^}]*)}");
    private static final Pattern ATTRIBUTE = Pattern.compile("([A-Za-z0-9]+)\\.([A-Za-z0-9.]+)");

    private final SamTemplate template;
    private final String stackName;
    private final String region;
    private final String accountId;
    private final String endpoint;
    private final Map<String, String> parameters;

    /**
     * @param parameterOverrides values for template parameters (like sam deploy --parameter-overrides); others take
     *                           their Default, and parameters with neither resolve to "".
     * @param endpoint           the emulator's URL, for queue URLs (a queue's !Ref); null gives AWS's form
     */
    public TemplateValues(SamTemplate template, String stackName, String region, String accountId, String endpoint,
                          Map<String, String> parameterOverrides) {
        this.template = template;
        this.stackName = stackName;
        this.region = region;
        this.accountId = accountId;
        this.endpoint = endpoint;
        this.parameters = new LinkedHashMap<>(template.parameterDefaults());
        this.parameters.putAll(parameterOverrides);
    }

    public String stackName() {
        return stackName;
    }

    public String region() {
        return region;
    }

    public String accountId() {
        return accountId;
    }

    public String parameter(String name) {
        return parameters.getOrDefault(name, "");
    }

    /** A scalar value of the template (a property, an environment variable) with references resolved. */
    public String resolve(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (value.isArray() && value.size() == 2 && template.hasResource(value.get(0).asText())) {
            return attribute(value.get(0).asText(), value.get(1).asText()); // !GetAtt [Resource, Attribute]
        }
        if (value.isContainerNode()) {
            return value.toString();
        }
        return resolve(value.asText());
    }

    public String resolve(String text) {
        if (template.hasParameter(text) || text.startsWith("AWS::")) {
            return reference(text);
        }
        if (template.hasResource(text)) {
            return reference(text);
        }
        Matcher attribute = ATTRIBUTE.matcher(text);
        if (attribute.matches() && template.hasResource(attribute.group(1))) {
            return attribute(attribute.group(1), attribute.group(2));
        }
        if (text.contains("${")) {
            Matcher sub = SUB.matcher(text);
            StringBuilder out = new StringBuilder();
            while (sub.find()) {
                String name = sub.group(1);
                Matcher att = ATTRIBUTE.matcher(name);
                String replacement = att.matches() && template.hasResource(att.group(1))
                        ? attribute(att.group(1), att.group(2))
                        : reference(name);
                sub.appendReplacement(out, Matcher.quoteReplacement(replacement));
            }
            sub.appendTail(out);
            return out.toString().replace("${!", "${"); // ${!Literal} is Sub's escape for a literal ${Literal}
        }
        return text;
    }

    /** What !Ref gives: a parameter's value, a pseudo parameter, or a resource's physical name (a queue's URL). */
    public String reference(String name) {
        switch (name) {
            case "AWS::StackName": return stackName;
            case "AWS::Region": return region;
            case "AWS::AccountId": return accountId;
            case "AWS::Partition": return "aws";
            case "AWS::URLSuffix": return "amazonaws.com";
            case "AWS::NoValue": return "";
            default: break;
        }
        if (template.hasParameter(name)) {
            return parameter(name);
        }
        if (template.hasResource(name)) {
            String type = template.resourceType(name);
            if ("AWS::SQS::Queue".equals(type)) {
                return queueUrl(physicalName(name));
            }
            return physicalName(name);
        }
        return name; // not a reference after all
    }

    /** The name the local resource gets, as CloudFormation would name it in a stack called {@link #stackName()}. */
    public String physicalName(String logicalId) {
        JsonNode props = template.resource(logicalId).path("Properties");
        String nameProperty = switch (template.resourceType(logicalId)) {
            case "AWS::DynamoDB::Table" -> "TableName";
            case "AWS::Events::EventBus" -> "Name";
            case "AWS::SQS::Queue" -> "QueueName";
            case SamTemplate.FUNCTION -> "FunctionName";
            case "AWS::Events::Rule" -> "Name";
            default -> null;
        };
        if (nameProperty != null && props.has(nameProperty)) {
            return resolve(props.get(nameProperty));
        }
        if (SamTemplate.HTTP_API.equals(template.resourceType(logicalId))) {
            return "local";
        }
        if ("AWS::SQS::Queue".equals(template.resourceType(logicalId)) && props.path("FifoQueue").asBoolean(false)) {
            // CloudFormation's generated name of a FIFO queue ends in .fifo, as SQS requires.
            return stackName + "-" + logicalId + ".fifo";
        }
        return stackName + "-" + logicalId;
    }

    /** What !GetAtt gives for the attributes functions and policies use. */
    public String attribute(String logicalId, String attribute) {
        String name = physicalName(logicalId);
        String type = template.resourceType(logicalId);
        if ("Arn".equals(attribute)) {
            return switch (type) {
                case "AWS::DynamoDB::Table" -> "arn:aws:dynamodb:" + region + ":" + accountId + ":table/" + name;
                case "AWS::Events::EventBus" -> "arn:aws:events:" + region + ":" + accountId + ":event-bus/" + name;
                case "AWS::SQS::Queue" -> "arn:aws:sqs:" + region + ":" + accountId + ":" + name;
                case SamTemplate.FUNCTION -> "arn:aws:lambda:" + region + ":" + accountId + ":function:" + name;
                default -> "arn:aws:local:" + region + ":" + accountId + ":" + name;
            };
        }
        return switch (type + "." + attribute) {
            case "AWS::SQS::Queue.QueueName", "AWS::Events::EventBus.Name" -> name;
            case "AWS::SQS::Queue.QueueUrl" -> queueUrl(name);
            default -> name;
        };
    }

    public String queueUrl(String queueName) {
        String base = endpoint != null ? endpoint.replaceAll("/+$", "") : "https://sqs." + region + ".amazonaws.com";
        return base + "/" + accountId + "/" + queueName;
    }

    /** A function's environment variables, resolved. */
    public Map<String, String> environment(String functionLogicalId) {
        Map<String, String> env = new LinkedHashMap<>();
        template.environment(functionLogicalId).forEach((name, value) -> env.put(name, resolve(value)));
        return env;
    }
}
